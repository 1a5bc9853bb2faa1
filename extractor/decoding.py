"""Bytes into text: UTF-8 (with or without BOM), UTF-16 (with or without BOM), legacy code pages
as detected; binary data refused; mojibake repaired."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 (with or without BOM), else cp1252/latin-1
    as detected; mojibake repaired.

    Raises ValueError for binary data.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, enc = data.decode("utf-16"), "utf-16"
    elif b"\x00" in data:
        enc = utf16_without_bom(data)
        if enc is None:
            raise ValueError("binary content (NUL bytes)")
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            raise ValueError(f"binary content (NUL bytes; not {enc} either)") from e
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = _decode_legacy(data)
    if _looks_binary(text):
        raise ValueError("binary content (control characters)")
    return repair(text, enc)


def utf16_without_bom(data: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when the bytes look like UTF-16 text without a byte-order mark.

    Latin-script text in UTF-16 has a NUL in nearly every other byte, always on the same side.
    """
    sample = data[:4096]
    if len(data) % 2 or len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd >= 0.6 and z_even <= 0.05:
        return "utf-16-le"
    if z_even >= 0.6 and z_odd <= 0.05:
        return "utf-16-be"
    return None


def repair(text: str, enc: str) -> tuple[str, str]:
    """Mojibake repaired by ftfy (only when it looks bad); `+ftfy` marks the encoding when it changed."""
    from ftfy import fix_text
    from ftfy.badness import is_bad

    if is_bad(text):
        fixed = fix_text(text, uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False,
                         normalization=None)
        if fixed != text:
            return fixed, enc + "+ftfy"
    return text, enc


def _decode_legacy(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman"]).best()
    if best is not None and best.encoding:
        enc = best.encoding
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="strict"), "cp1252"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    return len(_CONTROL.findall(sample)) / len(sample) > 0.05
