"""Pydantic models of the record contract (shared/spec/records.md).

Field names follow the contract exactly; extra fields are additions, never renames.
"""

from __future__ import annotations

import datetime as _dt
from enum import StrEnum
from typing import Any

import pycountry
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

SCHEMA_VERSION = "1.1"
"""1.1: `flags` on amounts, dates, places, organisations and allocations; `duplicate_of` on records and
allocations (additions only: a 1.0 reader ignores them)."""


class Qualifier(StrEnum):
    exact = "exact"
    more_than = "more_than"
    at_least = "at_least"
    less_than = "less_than"
    at_most = "at_most"
    approx = "approx"
    range = "range"


class PlaceType(StrEnum):
    country = "country"
    region = "region"
    province = "province"
    prefecture = "prefecture"
    commune = "commune"
    city = "city"
    district = "district"
    douar = "douar"
    other = "other"


class OrgKind(StrEnum):
    public_body = "public_body"
    programme = "programme"
    association = "association"
    company = "company"
    international = "international"
    other = "other"


class Role(StrEnum):
    funder = "funder"
    partner = "partner"
    issuer = "issuer"
    implementer = "implementer"
    mentioned = "mentioned"


class Granularity(StrEnum):
    day = "day"
    month = "month"
    year = "year"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Mention(_Model):
    """A stretch of the original text: `text == source[start:end]`."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Mention:
        if self.end < self.start:
            raise ValueError(f"mention end {self.end} before start {self.start}")
        if len(self.text) != self.end - self.start:
            raise ValueError(f"mention text length {len(self.text)} != end - start")
        return self


class Amount(Mention):
    value: float = Field(gt=0)
    value_max: float | None = None
    currency: str
    qualifier: Qualifier = Qualifier.exact
    rule: str | None = Field(default=None, description="id of the pattern that fired")
    flags: list[str] = Field(default_factory=list, description="review flag codes (patterns/flags.jsonl)")

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, v: str) -> str:
        if pycountry.currencies.get(alpha_3=v) is None:
            raise ValueError(f"{v!r} is not an ISO 4217 currency code")
        return v

    @model_validator(mode="after")
    def _range(self) -> Amount:
        if self.value_max is not None and self.value_max < self.value:
            raise ValueError(f"value_max {self.value_max} < value {self.value}")
        return self


class DateMention(Mention):
    value: _dt.date
    granularity: Granularity
    rule: str | None = None
    flags: list[str] = Field(default_factory=list, description="review flag codes (patterns/flags.jsonl)")


class Dateline(_Model):
    place: str | None = None
    date: _dt.date | None = None
    agency: str | None = None
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Place(_Model):
    name: str
    type: PlaceType
    code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    mentions: list[Mention] = Field(default_factory=list)
    rule: str | None = None
    flags: list[str] = Field(default_factory=list, description="review flag codes (patterns/flags.jsonl)")


def _category_enum(schema: dict[str, Any]) -> None:
    from .categories import beneficiary_categories

    schema["enum"] = list(beneficiary_categories())


class Beneficiary(_Model):
    category: str = Field(json_schema_extra=_category_enum,
                          description="a CATEGORY code of patterns/beneficiaries.jsonl")
    mentions: list[Mention] = Field(default_factory=list)
    rule: str | None = None


    @field_validator("category")
    @classmethod
    def _known_category(cls, v: str) -> str:
        from .categories import beneficiary_categories

        if v not in beneficiary_categories():
            raise ValueError(f"{v!r} is not a beneficiary category of the data file")
        return v


class Organization(_Model):
    name: str
    acronym: str | None = None
    kind: OrgKind = OrgKind.other
    roles: list[Role] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    rule: str | None = None
    flags: list[str] = Field(default_factory=list, description="review flag codes (patterns/flags.jsonl)")


class Quantity(Mention):
    value: float = Field(gt=0)
    unit: str
    rule: str | None = None


class AllocationRef(_Model):
    """An allocation of another record: its record `id` and its index in that record's `allocations`."""

    id: str
    index: int = Field(ge=0)


class Allocation(_Model):
    amount: Amount
    amount_index: int | None = Field(default=None, description="index of the amount in `amounts`")
    funder: str | None = None
    programme: str | None = None
    purpose: str | None = None
    beneficiaries: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    part_of: int | None = Field(default=None, description="index in `amounts` of the total this is part of")
    evidence: Mention
    rule: str | None = Field(default=None, description="ids of the rules that decided it, `;`-joined")
    flags: list[str] = Field(default_factory=list, description="review flag codes (patterns/flags.jsonl)")
    duplicate_of: AllocationRef | None = Field(
        default=None, description="the same sum (funder, amount, place) reported by an earlier document of the batch")


class ExtractorInfo(_Model):
    version: str
    model: str
    patterns_sha256: str
    fingerprint: str | None = Field(
        default=None, description="digest of extractor code + patterns + model + fast flag (re-runs skip on it)")


class Communique(_Model):
    """One record per input document."""

    schema_version: str = SCHEMA_VERSION
    id: str
    source: str
    text_sha256: str
    encoding: str | None = Field(default=None, description="how the input bytes were decoded")
    metadata: dict[str, Any] = Field(default_factory=dict)
    title: str | None = None
    date: _dt.date | None = None
    dateline: Dateline | None = None
    dates: list[DateMention] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    beneficiaries: list[Beneficiary] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    allocations: list[Allocation] = Field(default_factory=list)
    duplicate_of: str | None = Field(
        default=None, description="id of the first record (by date, then id) of this story's near-duplicate group")
    extractor: ExtractorInfo
    _text: str | None = PrivateAttr(default=None)
    """The analysed text, kept (not serialised) by `extract`/`extract_many` for the notebook view."""

    def _repr_html_(self) -> str:
        """Notebook view: the text with amounts, dates, places, organisations, beneficiaries highlighted."""
        from .display import record_html

        text = self._text if self._text is not None else self.metadata.get("text")
        return record_html(self, text if isinstance(text, str) else None)

    def check_offsets(self, text: str) -> None:
        """Raise RecordError unless every mention's text equals `text[start:end]`."""
        from .errors import RecordError

        for where, m in self.iter_mentions():
            if text[m.start : m.end] != m.text:
                raise RecordError(
                    f"{self.id}: {where} mention {m.text!r} does not match text[{m.start}:{m.end}]"
                )

    def iter_mentions(self) -> list[tuple[str, Mention]]:
        out: list[tuple[str, Mention]] = []
        out += [("amount", a) for a in self.amounts]
        out += [("date", d) for d in self.dates]
        out += [("quantity", q) for q in self.quantities]
        for p in self.places:
            out += [("place", m) for m in p.mentions]
        for b in self.beneficiaries:
            out += [("beneficiary", m) for m in b.mentions]
        for o in self.organizations:
            out += [("organization", m) for m in o.mentions]
        out += [("allocation evidence", a.evidence) for a in self.allocations]
        return out


def record_schema() -> dict[str, Any]:
    """JSON Schema of a record, as `communique schema` prints it."""
    return Communique.model_json_schema()
