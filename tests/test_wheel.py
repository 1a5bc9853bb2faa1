"""The wheel works without the repository: rules ship inside it, spaCy finds the components.

The wheel is built from a copy of the sources (so the build never writes into the checkout),
installed with `--no-deps` into a fresh venv in a temporary folder outside the repository, and
run from there. Its dependencies are taken from this test's own environment through a path
entry (a fresh PyPI install of spaCy, the model, pandas and pyarrow would take minutes and need the
network); the test first checks that every `Requires-Dist` of the wheel is satisfied there, as pip
would. The package itself (code and rules) comes from the wheel only: the test checks where
`extractor` and its rules are imported from.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "README.md", "extractor", "patterns")
TEXT = ("Tiznit, 12 mai 2021 (MAP) - L'Initiative nationale pour le développement humain (INDH) a "
        "débloqué plus de 3,5 MDH pour 42 coopératives de femmes de la province de Tiznit.\n")

pytestmark = pytest.mark.wheel

CHECK_REQUIREMENTS = """
import importlib.metadata as md
from packaging.requirements import Requirement
bad = []
for spec in md.requires("communique-extractor") or []:
    req = Requirement(spec)
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        continue
    try:
        have = md.version(req.name)
    except md.PackageNotFoundError:
        bad.append(f"{req} (missing)")
        continue
    if have not in req.specifier:
        bad.append(f"{req} (have {have})")
print("\\n".join(bad))
"""

WHERE = """
import json, spacy, extractor
from extractor.patterns import patterns_dir
nlp = spacy.blank("fr")
nlp.add_pipe("communique_amounts")
print(json.dumps({"package": extractor.__file__, "patterns": str(patterns_dir())}))
"""

WITHOUT_IMPORT = """
import sys, spacy
nlp = spacy.blank("fr")
nlp.add_pipe("communique_amounts")
doc = nlp("Une enveloppe de 3,5 MDH.")
assert "extractor" in sys.modules  # loaded by spaCy through the entry point, not by us
print([s.text for s in doc.spans["amounts"]])
"""


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("wheel")
    assert not tmp.resolve().is_relative_to(ROOT)
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        s = ROOT / name
        (shutil.copytree(s, src / name, ignore=shutil.ignore_patterns("__pycache__")) if s.is_dir()
         else shutil.copy2(s, src / name))
    env = {k: v for k, v in os.environ.items() if k not in ("COMMUNIQUE_PATTERNS", "PYTHONPATH")}
    _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(tmp / "dist")], tmp, env)
    wheel = next((tmp / "dist").glob("communique_extractor-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    py = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", str(wheel)], tmp, env)
    target = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp, env).strip())
    (target / "_deps_from_test_env.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv, env


def test_wheel_dependencies_are_all_satisfied(wheel_venv: tuple[Path, dict[str, str]]) -> None:
    venv, env = wheel_venv
    assert _run([str(venv / "bin" / "python"), "-c", CHECK_REQUIREMENTS], venv, env).strip() == ""


def test_wheel_imports_code_and_rules_from_the_install_not_the_repository(
        wheel_venv: tuple[Path, dict[str, str]]) -> None:
    venv, env = wheel_venv
    where = json.loads(_run([str(venv / "bin" / "python"), "-c", WHERE], venv, env))
    assert Path(where["package"]).resolve().is_relative_to(venv.resolve())
    assert Path(where["patterns"]).resolve().is_relative_to(venv.resolve())
    assert Path(where["patterns"], "places", "gazetteer.csv").is_file()


def test_wheel_components_load_in_spacy_with_no_import_of_ours(wheel_venv: tuple[Path, dict[str, str]]) -> None:
    venv, env = wheel_venv
    out = _run([str(venv / "bin" / "python"), "-c", WITHOUT_IMPORT], venv, env)
    assert "3,5 MDH" in out


def test_wheel_cli_extract_gives_the_editable_install_record(wheel_venv: tuple[Path, dict[str, str]]) -> None:
    venv, env = wheel_venv
    work = venv.parent / "job"
    work.mkdir()
    (work / "tiznit.txt").write_text(TEXT, encoding="utf-8")
    _run([str(venv / "bin" / "communique"), "extract", "tiznit.txt", "-o", "wheel-out", "-q", "--workers", "1"],
         work, env)
    editable = Path(sys.executable).parent / "communique"
    _run([str(editable), "extract", "tiznit.txt", "-o", "editable-out", "-q", "--workers", "1"], work, env)
    got = (work / "wheel-out" / "records.jsonl").read_text(encoding="utf-8")
    want = (work / "editable-out" / "records.jsonl").read_text(encoding="utf-8")
    assert json.loads(got)["amounts"][0]["value"] == 3500000.0
    assert got == want
