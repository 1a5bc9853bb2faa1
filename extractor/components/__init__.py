"""spaCy components of the extractor, one per module.

Importing this package registers every factory with spaCy. A component that contributes
record fields has an `export(doc) -> dict` method; `extractor.build` merges those dicts.
"""

from . import allocations, amounts, beneficiaries, dates, header, organizations, places, quantities

__all__ = ["allocations", "amounts", "beneficiaries", "dates", "header", "organizations", "places", "quantities"]
