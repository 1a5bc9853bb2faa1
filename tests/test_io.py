"""Readers: every input kind into exact text, every bad input into one clear Failure."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractor.io import (
    Document,
    Failure,
    atomic_writer,
    decode,
    doc_id,
    html_text,
    list_inputs,
    read_jsonl,
    read_path,
)


def _escape(s: str) -> bytes:
    return s.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(lines: list[str]) -> bytes:
    """Bytes of a valid one-page PDF with `lines` as real text (what a word processor exports)."""
    ops = [b"BT /F1 11 Tf 14 TL 50 780 Td"]
    ops += [b"(" + _escape(line) + b") Tj T*" for line in lines]
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def blank_pdf() -> bytes:
    """A PDF whose only page has no text layer (like a scan)."""
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


PHRASE = "La commune rurale a reçu une dotation de 750 000 dirhams pour équiper le centre de santé.\n"


def _one(path: Path, max_bytes: int = 1_000_000) -> Document | Failure:
    out = list(read_path(path, max_bytes))
    assert len(out) == 1
    return out[0]


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        pytest.param(PHRASE.encode("utf-8"), "utf-8", id="utf8"),
        pytest.param(b"\xef\xbb\xbf" + PHRASE.encode("utf-8"), "utf-8-sig", id="utf8-bom"),
        pytest.param(PHRASE.encode("cp1252"), "cp1252", id="cp1252"),
        pytest.param(PHRASE.encode("utf-16"), "utf-16", id="utf16-bom"),
        pytest.param(PHRASE.encode("utf-8").decode("latin-1").encode("utf-8"), "utf-8+ftfy", id="mojibake"),
    ],
)
def test_io_decode_encodings(raw: bytes, encoding: str) -> None:
    text, enc = decode(raw)
    assert text == PHRASE
    assert enc == encoding


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"\x00\x01\x02PK\x03\x04" * 50, id="nul-bytes"),
        pytest.param(bytes(range(1, 32)) * 40, id="control-characters"),
    ],
)
def test_io_decode_binary_rejected(raw: bytes) -> None:
    with pytest.raises(ValueError, match="binary"):
        decode(raw)


def test_io_decode_keeps_arabic_and_rare_controls() -> None:
    text = "Le douar (دوار) a reçu 3 MDH.\x0c\n" * 5
    assert decode(text.encode("utf-8")) == (text, "utf-8")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("safi-port.txt", "safi-port"), ("note.MD", "note"), ("page.html", "page"), ("a.b.htm", "a.b"),
     ("scan.pdf", "scan"), ("lot.jsonl", "lot")],
)
def test_io_doc_id_drops_known_suffix(name: str, expected: str) -> None:
    assert doc_id(Path(name)) == expected


def test_io_html_keeps_paragraphs_drops_navigation() -> None:
    page = (
        "<html><head><title>Portail | Actualités</title><style>p{color:red}</style>"
        "<script>var menu = 'Accueil';</script></head><body>"
        "<header><a href='/'>Accueil</a> <a href='/c'>Contact</a></header>"
        "<nav><ul><li>Rubriques</li><li>Archives</li></ul></nav>"
        "<div role='navigation'>Plan du site</div>"
        "<article><header><h1>Soutien aux   <b>coopératives</b> féminines</h1></header>"
        "<p>Une convention de 2 millions de dirhams a été signée.</p>"
        "<p>Elle profite à 40&nbsp;coopératives.</p></article>"
        "<aside>Articles liés</aside><footer>Tous droits réservés</footer></body></html>"
    ).encode()
    text, enc, meta = html_text(page)
    assert text.splitlines() == [
        "Soutien aux coopératives féminines",
        "Une convention de 2 millions de dirhams a été signée.",
        "Elle profite à 40 coopératives.",
    ]
    assert meta == {"title": "Portail | Actualités"}
    assert enc.startswith("utf-8")
    for noise in ("Accueil", "Rubriques", "Plan du site", "Articles liés", "droits", "color"):
        assert noise not in text


def test_io_html_declared_legacy_charset() -> None:
    page = ('<html><head><meta charset="windows-1252"></head><body><p>' + PHRASE + "</p></body></html>")
    text, enc, _ = html_text(page.encode("cp1252"))
    assert text == PHRASE
    assert enc in ("windows-1252", "cp1252")


def test_io_pdf_text_layer(tmp_path: Path) -> None:
    f = tmp_path / "arrete.pdf"
    f.write_bytes(make_pdf(["Arrêté du gouverneur", "Un crédit de 1,5 million de dirhams est ouvert."]))
    d = _one(f)
    assert isinstance(d, Document)
    assert d.text.splitlines() == ["Arrêté du gouverneur", "Un crédit de 1,5 million de dirhams est ouvert."]
    assert d.id == "arrete"


def test_io_jsonl_one_document_per_line(tmp_path: Path) -> None:
    f = tmp_path / "lot.jsonl"
    lines = [
        json.dumps({"id": "a-1", "text": PHRASE, "title": "Santé", "date": "2024-05-02", "url": "https://ex.ma/1"}),
        "",
        json.dumps({"text": "Un second texte assez court."}),
        "{pas du json",
        json.dumps(["une", "liste"]),
        json.dumps({"id": 7, "title": "sans texte"}),
        json.dumps({"id": "vide", "text": "   "}),
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_jsonl(f))
    docs = [o for o in out if isinstance(o, Document)]
    fails = [o for o in out if isinstance(o, Failure)]
    assert [d.id for d in docs] == ["a-1", "lot-3"]
    assert docs[0].metadata == {"id": "a-1", "title": "Santé", "date": "2024-05-02", "url": "https://ex.ma/1",
                                "line": 1}
    assert docs[0].text == PHRASE
    assert [(x.line, x.error, x.id) for x in fails] == [
        (4, "MalformedLine", "lot-4"), (5, "MalformedLine", "lot-5"), (6, "MalformedLine", "7"),
        (7, "EmptyDocument", "vide")]


def test_io_jsonl_oversized_line_is_that_line_only(tmp_path: Path) -> None:
    f = tmp_path / "gros.jsonl"
    f.write_text(json.dumps({"text": "x " * 5000}) + "\n" + json.dumps({"text": PHRASE}) + "\n")
    out = list(read_jsonl(f, max_bytes=2000))
    assert isinstance(out[0], Failure) and out[0].error == "TooLarge" and out[0].line == 1
    assert isinstance(out[1], Document) and out[1].id == "gros-2"


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "vide.txt").write_bytes(b"")
    (tmp_path / "blancs.md").write_text(" \n\t\n")
    (tmp_path / "binaire.txt").write_bytes(bytes(range(256)) * 8)
    os.symlink(tmp_path / "absent.txt", tmp_path / "lien.txt")
    (tmp_path / "dossier.txt").mkdir()
    (tmp_path / "gros.txt").write_text("mot " * 1000)
    (tmp_path / "scan.pdf").write_bytes(blank_pdf())
    (tmp_path / "faux.pdf").write_bytes(b"%PDF-1.4 ceci n'est pas un PDF")
    (tmp_path / "page.html").write_bytes(b"<html><body><nav>Menu</nav><script>x()</script></body></html>")
    return {p.name: p for p in tmp_path.iterdir()}


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        pytest.param("vide.txt", "EmptyDocument", "no text", id="empty"),
        pytest.param("blancs.md", "EmptyDocument", "no text", id="whitespace-only"),
        pytest.param("binaire.txt", "Undecodable", "binary", id="binary"),
        pytest.param("lien.txt", "Unreadable", "broken link", id="broken-symlink"),
        pytest.param("dossier.txt", "Unreadable", "directory", id="directory-named-txt"),
        pytest.param("gros.txt", "TooLarge", "--max-bytes", id="oversized"),
        pytest.param("scan.pdf", "NoTextLayer", "no text layer", id="pdf-without-text"),
        pytest.param("faux.pdf", "Undecodable", "PDF", id="broken-pdf"),
        pytest.param("page.html", "EmptyDocument", "no text", id="html-only-navigation"),
    ],
)
def test_io_bad_input_is_one_failure(tmp_path: Path, name: str, error: str, words: str) -> None:
    f = _one(_bad_inputs(tmp_path)[name], max_bytes=3000)
    assert isinstance(f, Failure)
    assert (f.error, f.source) == (error, str(tmp_path / name))
    assert words in f.message
    assert json.loads(f.to_json())["error"] == error


def test_io_permission_denied_is_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "secret.txt"
    f.write_text(PHRASE)

    def deny(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", deny)
    out = _one(f)
    assert isinstance(out, Failure) and out.error == "Unreadable" and "permission denied" in out.message


def test_io_list_inputs_recursive_sorted_skipping(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/2.txt", "a.md", "b/1.html", "x.gold.json", "notes.docx", ".cache.txt", "c.jsonl"):
        (tmp_path / name).write_text("t")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text("t")
    files, skipped = list_inputs([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a.md", "b/1.html", "b/2.txt", "c.jsonl"]
    assert skipped == 2
    with pytest.raises(FileNotFoundError):
        list_inputs([tmp_path / "nope"])


def test_io_atomic_writer_leaves_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "records.jsonl"
    target.write_text("ancien\n")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write("nouveau, incomplet")
        raise RuntimeError("coupure")
    assert target.read_text() == "ancien\n"
    assert list(tmp_path.iterdir()) == [target]
    with atomic_writer(target) as fh:
        fh.write("nouveau\n")
    assert target.read_text() == "nouveau\n"
    assert target.stat().st_mode & 0o044  # readable by others, as files normally are


# Issue 10, finding 8: every odd input is one clear error line, never silence nor a flood.

def test_io_unreadable_subfolder_is_one_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(PHRASE)
    (tmp_path / "ferme").mkdir()
    (tmp_path / "ferme" / "b.txt").write_text(PHRASE)
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fsdecode(path)).name == "ferme":  # what chmod 000 does (tests may run as root)
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, _ = list_inputs([tmp_path])
    assert files[1:] == [tmp_path / "ok" / "a.txt"]
    fail = files[0]
    assert isinstance(fail, Failure) and fail.error == "Unreadable" and fail.source == str(tmp_path / "ferme")
    assert "cannot list the folder: permission denied" in fail.message


def test_io_list_inputs_never_enters_excluded_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PHRASE)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "records.jsonl").write_text("{}\n")
    files, skipped = list_inputs([tmp_path], exclude=[tmp_path / "out"])
    assert (files, skipped) == ([tmp_path / "a.txt"], 0)
    assert len(list_inputs([tmp_path])[0]) == 2


@pytest.mark.parametrize("raw", [b"", b"\n \n\t\n"], ids=["empty", "blank-lines"])
def test_io_jsonl_without_document_is_one_failure(tmp_path: Path, raw: bytes) -> None:
    f = tmp_path / "lot.jsonl"
    f.write_bytes(raw)
    [fail] = list(read_path(f))
    assert isinstance(fail, Failure) and fail.error == "EmptyDocument" and "no document" in fail.message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        pytest.param((bytes(range(256)) * 8 + b"\n") * 80, "binary", id="binary"),
        pytest.param(b"\x7fELF\x02\x01\x01" + bytes(500) + b"\n" * 80, "binary", id="executable"),
        pytest.param(("\n".join([json.dumps({"text": PHRASE})] * 5)).encode("utf-16"), "UTF-16", id="utf16"),
    ],
)
def test_io_jsonl_not_text_is_one_failure_not_one_per_line(tmp_path: Path, raw: bytes, words: str) -> None:
    f = tmp_path / "lot.jsonl"
    f.write_bytes(raw)
    [fail] = list(read_path(f))
    assert isinstance(fail, Failure) and fail.error == "Undecodable" and words in fail.message
    assert fail.line is None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_io_decode_utf16_without_bom(tmp_path: Path, codec: str) -> None:
    text = "Le douar (دوار) a reçu 3 MDH pour l'école.\n" * 3
    assert decode(text.encode(codec)) == (text, codec)
    f = tmp_path / "note.txt"
    f.write_bytes(PHRASE.encode(codec))
    d = _one(f)
    assert isinstance(d, Document) and (d.text, d.encoding) == (PHRASE, codec)


def test_io_fifo_is_one_failure_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "tube.txt")
    os.mkfifo(tmp_path / "tube.jsonl")
    for name in ("tube.txt", "tube.jsonl"):
        f = _one(tmp_path / name)
        assert isinstance(f, Failure) and f.error == "Unreadable" and "not a regular file" in f.message
