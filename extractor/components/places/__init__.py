"""Places component (`communique_places`): the sources of place mentions and the pipe that keeps the strongest.

- `sources`: trigger phrases, the dateline, gazetteer names, the model's LOC entities;
- `component`: the spaCy factory, the guards (organisation and facility names, letterheads) and the pipe;
- `model`: `PlaceMention` and the type orders and words the steps share.
"""

from __future__ import annotations

from .component import PlacesComponent, group_places, make_places
from .model import ORG_SPAN_KEY, SPAN_KEY, PlaceMention

__all__ = ["ORG_SPAN_KEY", "SPAN_KEY", "PlaceMention", "PlacesComponent", "group_places", "make_places"]
