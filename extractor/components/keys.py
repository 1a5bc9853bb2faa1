"""Reading another component's span group by the key a component's config names.

Every component that reads an earlier one's results takes the span key from its own config
(`amounts_key`, `orgs_key`, ...), so a pipeline that renames a group renames it in the readers'
config too. A key no earlier component wrote is reported, not silently read as empty.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from spacy.tokens import Doc, Span


def span_group(doc: Doc, key: str, reader: str, setting: str) -> Sequence[Span]:
    """`doc.spans[key]`, or no spans with a warning naming the reader and the config setting to fix."""
    if key in doc.spans:
        return doc.spans[key]
    warnings.warn(f"{reader}: no span group {key!r} in doc.spans (set by no earlier component); "
                  f"check its {setting!r} setting", UserWarning, stacklevel=2)
    return ()
