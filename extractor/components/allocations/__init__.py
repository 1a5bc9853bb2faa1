"""Allocations component: who gives how much, to whom, where and for what.

Runs last and reads the span groups of the earlier components: `amounts` (`span._.amount`),
`organizations` (`span._.org`), `places` (`span._.place`) and `beneficiaries`
(`span._.beneficiary`). Each sum that is money given gets one allocation, read in its statement:
the sentence, or a bullet item together with its introducing line. Within the statement the
funder is found clause by clause, places and beneficiaries are those of the statement, partners
the other organisations named there. With no funder or place in the statement, the document's
main one is inherited (spec §2.1). All cue words are data (`patterns/allocations.jsonl`).

One job per module: `entities` (the mentions read from the span groups), `context` (per-document
indexes), `cues` (how words cast an organisation), `drafts` (which sums are given, how they
group), `funder`, `places` (and beneficiaries), `partners`, `record`, `settings` (windows and
weights) and `component` (the factory and pipe).
"""

from .component import AllocationsComponent, make_allocations
from .settings import Settings

__all__ = ["AllocationsComponent", "Settings", "make_allocations"]
