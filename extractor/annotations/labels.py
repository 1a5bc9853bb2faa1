"""Span labels: `AMOUNT|3500000|MAD|more_than` read into a kind and named values, and written back.

A span's label names what it is and, after `|`, carries the normalised values: positional parts
in the order of `LABEL_FIELDS`, or `key=value` parts in any order (docs/annotations.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

LABEL_FIELDS: dict[str, tuple[str, ...]] = {
    "AMOUNT": ("value", "currency", "qualifier", "value_max"),
    "PLACE": ("type", "name", "code"),
    "ORG": ("roles", "name", "acronym", "kind"),
    "BENEFICIARY": ("category",),
    "DATE": ("value", "granularity"),
    "QUANTITY": ("value", "unit"),
    "ALLOCATION": ("value", "currency", "qualifier", "value_max", "funder", "beneficiaries", "places",
                   "partners", "purpose", "programme"),
    "TITLE": (),
}
"""Span labels and the order of their positional values."""

POSITIONAL = {"ALLOCATION": 4}
"""Labels whose later values are written as `key=value` (optional slots); the others are all positional."""

LABEL_ALIASES = {"ORGANIZATION": "ORG", "ORGANISATION": "ORG", "MONTANT": "AMOUNT", "LIEU": "PLACE",
                 "BENEFICIAIRE": "BENEFICIARY", "QUANTITE": "QUANTITY"}


class AnnotationError(ValueError):
    """A span whose label cannot be read."""


@dataclass
class Span:
    """One labelled stretch of text with its values."""

    start: int
    end: int
    label: str
    values: dict[str, str] = field(default_factory=dict)


def parse_label(label: str, extra: str | None = None) -> tuple[str, dict[str, str]]:
    """`AMOUNT|3500000|MAD|more_than` (+ an optional suffix held elsewhere) -> kind and named values."""
    parts = [p.strip() for p in label.split("|")]
    kind = LABEL_ALIASES.get(parts[0].upper(), parts[0].upper())
    if kind not in LABEL_FIELDS:
        raise AnnotationError(f"unknown label {parts[0]!r} (known: {', '.join(LABEL_FIELDS)})")
    rest = parts[1:]
    if extra:
        rest += [p.strip() for p in extra.strip().removeprefix(parts[0]).strip("|").split("|")]
    names = LABEL_FIELDS[kind]
    values: dict[str, str] = {}
    position = 0
    for part in rest:
        key, eq, value = part.partition("=")
        if eq and key.strip() in names:
            values[key.strip()] = value.strip()
            continue
        if position >= len(names):
            raise AnnotationError(f"{kind}: too many values in {label!r}")
        if part:
            values[names[position]] = part
        position += 1
    return kind, values


def format_label(kind: str, values: Mapping[str, Any]) -> str:
    """The inverse of `parse_label`: positional values (trailing empties dropped), then `key=value` slots."""
    names = LABEL_FIELDS[kind]
    npos = POSITIONAL.get(kind, len(names))
    positional = [_value_text(values.get(n)) for n in names[:npos]]
    while positional and not positional[-1]:
        positional.pop()
    slots = [f"{n}={text}" for n in names[npos:] if (text := _value_text(values.get(n)))]
    return "|".join([kind, *positional, *slots])


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(_value_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_number(text: str, what: str) -> int | float:
    try:
        x = float(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        raise AnnotationError(f"{what}: {text!r} is not a number") from None
    return int(x) if x.is_integer() else x


def parse_choice(value: str | None, allowed: type, default: str | None, what: str) -> str | None:
    if not value:
        return default
    choices = {m.value for m in allowed}  # type: ignore[attr-defined]
    if value not in choices:
        raise AnnotationError(f"{what} {value!r} is not one of {', '.join(sorted(choices))}")
    return value
