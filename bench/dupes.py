"""Near-duplicate stories: pairs found and missed, and what detection costs against extraction.

    .venv/bin/python bench/dupes.py --docs 10000 --sample 600

Generates a folder-worth of documents where each of N invented stories appears 1 to 4 times, the
copies edited as reposts are (paragraphs reordered, another headline, a web-page prefix, a few
words changed or a sentence dropped), then measures:
- precision and recall of same-story pairs found by `extractor.dupes.find_groups` (target >= 0.95 each);
- the time of detection for all documents: signatures + groups + the batch's record pass
  (`Plan.build` and every line written), against the extraction time of the same number of documents,
  estimated from the steady docs/s of `communique extract` (2 workers, start-up left out) over
  `--sample` of them (target <= 10%).
The record pass runs over `--docs` record lines made by cycling the sample's records under new ids.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.dupes import Plan, find_groups, signature  # noqa: E402

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
FUNDERS = ["l'INDH", "le Conseil régional", "l'Agence de développement social", "l'Entraide nationale",
           "le ministère de l'Agriculture", "la Fondation Mohammed V", "l'Agence du Sud", "le Conseil provincial",
           "l'ONEE", "la Banque mondiale", "l'Union européenne", "l'AFD", "la JICA", "l'OCP", "la commune"]
THINGS = ["centres de santé", "écoles communautaires", "puits", "unités de préscolaire", "ambulances",
          "foyers féminins", "kilomètres de pistes", "maisons de jeunes", "coopératives", "bus scolaires",
          "bornes-fontaines", "salles de classe", "terrains de proximité", "bibliothèques", "serres"]
PEOPLE = ["femmes rurales", "jeunes diplômés", "personnes âgées", "enfants en situation de handicap",
          "agriculteurs", "élèves", "familles démunies", "pêcheurs artisanaux", "porteurs de projets", "veuves"]
VERBS = ["a mobilisé", "a débloqué", "consacre", "a alloué", "prévoit", "apporte", "finance", "accorde"]
TEMPLATES = [
    "{F} {V} une enveloppe de {A} MDH pour {T} au profit des {P} de {C}.",
    "Le projet porte sur la réalisation de {N} {T} dans les communes de {C} et de {C2}.",
    "Selon les responsables, {N} {P} bénéficieront directement de cette opération dès {M} {Y}.",
    "Une convention de partenariat a été signée avec {F} pour un montant de {A} MDH.",
    "Les travaux, d'une durée de {D} mois, seront confiés à des entreprises de la région de {C}.",
    "Cette initiative s'inscrit dans le cadre du programme d'appui aux {P} lancé en {Y}.",
    "Au total, {N} {T} ont déjà été livrés à {C}, pour un coût global de {A} MDH.",
    "La cérémonie s'est déroulée en présence du gouverneur de la province de {C} et des élus locaux.",
    "Les {P} de {C2} réclamaient depuis longtemps des {T}, indique un acteur associatif.",
    "Le comité provincial a examiné {N} dossiers et retenu ceux des {P} de {C}.",
    "Une deuxième tranche de {A} MDH est attendue en {M} {Y} pour étendre l'opération à {C2}.",
    "{F} assurera le suivi, tandis que les associations locales encadreront les {P}.",
    "L'opération a mobilisé {N} bénévoles et {N2} techniciens venus de {C} et {C2}.",
    "Dans une déclaration à la presse, le délégué a salué l'engagement des {P} de {C}.",
]


def _places() -> list[str]:
    with (ROOT / "patterns" / "places" / "gazetteer.csv").open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return sorted({r["name"] for r in rows if r["type"] in ("city", "province", "commune", "prefecture")})


def _sentence(rng: random.Random, places: list[str]) -> str:
    return rng.choice(TEMPLATES).format(
        F=rng.choice(FUNDERS), V=rng.choice(VERBS), A=f"{rng.randint(1, 99)},{rng.randint(1, 9)}",
        T=rng.choice(THINGS), P=rng.choice(PEOPLE), C=rng.choice(places), C2=rng.choice(places),
        N=rng.randint(2, 900), N2=rng.randint(2, 90), M=rng.choice(MONTHS), Y=rng.randint(2015, 2025),
        D=rng.randint(3, 36))


def story(rng: random.Random, places: list[str]) -> tuple[str, list[str]]:
    """A dateline date and 3-6 paragraphs of 2-3 sentences; the dateline opens the first paragraph."""
    d = f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    y, m, day = d.split("-")
    line = f"{rng.choice(places)}, {int(day)} {MONTHS[int(m) - 1]} {y} (MAP) - "
    paras = [" ".join(_sentence(rng, places) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(3, 6))]
    paras[0] = line + paras[0]
    return d, paras


def repost(rng: random.Random, paras: list[str], date: str, places: list[str]) -> str:
    """A copy with at least one edit: reordered paragraphs, a headline, a web prefix, words changed."""
    edits = [e for e in ("reorder", "headline", "prefix", "words") if rng.random() < 0.5] or ["reorder"]
    body = list(paras)
    if "reorder" in edits:
        head, rest = body[0], body[1:]
        rng.shuffle(rest)
        body = [head, *rest]
    if "words" in edits:
        i = rng.randrange(len(body))
        sentences = body[i].split(". ")
        if len(sentences) > 1:
            sentences.pop(rng.randrange(1, len(sentences)))
        body[i] = ". ".join(sentences).replace(" de ", " du ", 1)
    top = []
    if "prefix" in edits:
        y, m, d = date.split("-")
        top.append(f"Accueil > Régions > {rng.choice(places)} | Publié le {d}/{m}/{y} à {rng.randint(7, 22)}:"
                   f"{rng.randint(0, 59):02d} | Partager Facebook Twitter WhatsApp")
    if "headline" in edits:
        top.append(f"{rng.choice(places)} : {rng.choice(THINGS)} pour les {rng.choice(PEOPLE)}")
    return "\n".join([*top, "\n\n".join(body)])


def generate(n_docs: int, seed: int) -> tuple[dict[str, str], dict[str, str], dict[str, int]]:
    """(id -> text, id -> date, id -> story number), about `n_docs` documents."""
    rng = random.Random(seed)
    places = _places()
    texts, dates, story_of = {}, {}, {}
    s = 0
    while len(texts) < n_docs:
        date, paras = story(rng, places)
        for k in range(min(rng.randint(1, 4), n_docs - len(texts))):
            rid = f"s{s:05d}-{k}-{rng.randrange(10**6):06d}"
            texts[rid] = "\n\n".join(paras) if k == 0 else repost(rng, paras, date, places)
            dates[rid], story_of[rid] = date, s
        s += 1
    return texts, dates, story_of


def pairs_of(labels: dict[str, int | str]) -> set[tuple[str, str]]:
    by: dict[int | str, list[str]] = {}
    for i, g in labels.items():
        by.setdefault(g, []).append(i)
    return {(a, b) for m in by.values() for a, b in itertools.combinations(sorted(m), 2)}


def _timed_batch(texts: dict[str, str], ids: list[str], workers: int, tmp: Path) -> tuple[float, list[bytes]]:
    from extractor.batch import run_batch

    src = tmp / f"in{len(ids)}"
    src.mkdir()
    for rid in ids:
        (src / f"{rid}.txt").write_text(texts[rid], encoding="utf-8")
    t0 = time.perf_counter()
    run_batch([src], tmp / f"out{len(ids)}", workers=workers, force=True)
    seconds = time.perf_counter() - t0
    return seconds, (tmp / f"out{len(ids)}" / "records.jsonl").read_bytes().splitlines(keepends=True)


def extraction_rate(texts: dict[str, str], sample: int, workers: int) -> tuple[float, list[bytes]]:
    """Steady docs/s of `communique extract` (start-up left out: the time of `sample` documents minus
    that of 20, over `sample - 20`, after a warm-up run), and the sample's record lines."""
    ids = sorted(texts)[:sample]
    with tempfile.TemporaryDirectory() as tmp:
        _timed_batch(texts, ids[:19], workers, Path(tmp))  # warm-up: model files into the page cache
        small, _ = _timed_batch(texts, ids[:20], workers, Path(tmp))
        full, lines = _timed_batch(texts, ids, workers, Path(tmp))
    return (sample - 20) / max(full - small, 1e-9), lines


def record_pass(lines: list[bytes], ids: list[str], dates: dict[str, str], sigs: dict[str, bytes]) -> float:
    """Seconds of the batch's duplicate pass over one record line per id (sample records under new ids)."""
    made = []
    for rid, raw in zip(ids, itertools.cycle(lines)):
        rec = json.loads(raw)
        rec["id"], rec["date"] = rid, dates[rid]
        made.append((rid, json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"))
    t0 = time.perf_counter()
    plan = Plan.build(made, sigs)
    for rid, raw in made:
        plan.line(rid, raw)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=600, help="documents extracted to measure docs/s")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    texts, dates, story_of = generate(args.docs, args.seed)
    t0 = time.perf_counter()
    sigs = {rid: signature(t) for rid, t in texts.items()}
    t_sig = time.perf_counter() - t0
    t0 = time.perf_counter()
    groups = find_groups(sigs, dates)
    t_groups = time.perf_counter() - t0
    truth = pairs_of(dict(story_of))
    found = pairs_of({rid: groups.get(rid, rid) for rid in texts})
    tp = len(truth & found)
    precision, recall = tp / len(found) if found else 1.0, tp / len(truth) if truth else 1.0
    rate, lines = extraction_rate(texts, args.sample, args.workers)
    t_pass = record_pass(lines, sorted(texts), dates, sigs)
    detect = t_sig + t_groups + t_pass
    extract = len(texts) / rate
    print(f"documents {len(texts)}, stories {len(set(story_of.values()))}, same-story pairs {len(truth)}")
    print(f"pairs found {len(found)}: tp {tp}, fp {len(found) - tp}, missed {len(truth) - tp}")
    print(f"precision {precision:.4f} (>= 0.95)   recall {recall:.4f} (>= 0.95)")
    print(f"detection: signatures {t_sig:.1f} s + groups {t_groups:.1f} s + record pass {t_pass:.1f} s "
          f"= {detect:.1f} s")
    print(f"extraction: {rate:.1f} docs/s over {args.sample} docs ({args.workers} workers) -> {extract:.0f} s "
          f"estimated for {len(texts)}")
    print(f"detection / extraction = {detect / extract:.3f} (<= 0.10)")


if __name__ == "__main__":
    main()
