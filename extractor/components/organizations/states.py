"""One organisation per foreign state: its government, its formal name and the state as an actor.

`le gouvernement du Japon a accordé ...` then `attribués par le Japon`: the same body (spec §2.1,
states as actors). Organisations whose first mention comes from a `state` trigger and whose name
holds one foreign country join the first of them, which keeps its name; each is `international`.
"""

from __future__ import annotations

from ...normalizers.states import StateNames
from .model import _Org


def _state_code(o: _Org, names: StateNames, home: str) -> str | None:
    first = min(o.mentions, key=lambda m: m.start) if o.mentions else None
    if o.known is not None or first is None or first.trigger is None or not first.trigger.state:
        return None
    code = names.code_of(o.name)
    return code if code != home else None


def merge_states(orgs: list[_Org], names: StateNames, home: str = "MA") -> list[_Org]:
    """`orgs` (in order of first mention) with each foreign state's organisations made one."""
    first_of: dict[str, _Org] = {}
    keep: list[_Org] = []
    for o in orgs:
        code = _state_code(o, names, home)
        target = first_of.get(code) if code is not None else None
        if code is not None:
            o.kind = "international"  # a foreign state (`la République de Corée`) whatever its head says
        if target is None:
            if code is not None:
                first_of[code] = o
            keep.append(o)
            continue
        target.mentions = sorted(target.mentions + o.mentions, key=lambda m: m.start)
        target.folds |= o.folds
        target.acronym = target.acronym or o.acronym
    return keep


def merge_home_state(orgs: list[_Org], names: StateNames, home: str = "MA") -> list[_Org]:
    """`orgs` with the organisations that name Morocco's own state (`le Maroc` signs, `l'État marocain`
    pays) made one, the first named keeping its name: annotators count one state, however it is called."""
    first: _Org | None = None
    keep: list[_Org] = []
    for o in orgs:
        m = min(o.mentions, key=lambda x: x.start) if o.mentions else None
        code = names.code_of(o.name)
        if m is None or m.trigger is None or not m.trigger.home_state or code not in (None, home):
            keep.append(o)
            continue
        if first is None:
            first = o
            keep.append(o)
            continue
        first.mentions = sorted(first.mentions + o.mentions, key=lambda x: x.start)
        first.folds |= o.folds
    return keep
