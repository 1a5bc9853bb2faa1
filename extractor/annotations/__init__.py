"""doccano and Label Studio interop: span annotations <-> gold files, records -> pre-annotations.

A span's label names what it is and, after `|`, carries the normalised values
(`AMOUNT|3500000|MAD|more_than`, `PLACE|province|Khouribga`, `ORG|funder|INDH`): positional
parts in the order of `LABEL_FIELDS`, or `key=value` parts in any order. Label Studio may carry
the same suffix in the region's `meta.text` or in a per-region text area instead. The exact
format is documented in docs/annotations.md.

Modules: `labels` (reading and writing a label), `gold` (spans or a record into a gold file),
`readers` (doccano and Label Studio exports, `import_file`), `export` (records into pre-annotations).
"""

from .export import EXPORT_FIELDS, export_file, record_spans, record_text
from .gold import GOLD_FIELD, GOLD_ORDER, LIST_FIELDS, default_fields, dump_gold, record_gold, spans_to_gold
from .labels import LABEL_ALIASES, LABEL_FIELDS, POSITIONAL, AnnotationError, Span, format_label, parse_label
from .readers import DOC_KEYS, TOOLS, Task, Transfer, import_file, read_doccano, read_labelstudio, read_tasks, safe_name

__all__ = [
    "DOC_KEYS", "EXPORT_FIELDS", "GOLD_FIELD", "GOLD_ORDER", "LABEL_ALIASES", "LABEL_FIELDS", "LIST_FIELDS",
    "POSITIONAL", "TOOLS", "AnnotationError", "Span", "Task", "Transfer", "default_fields", "dump_gold",
    "export_file", "format_label", "import_file", "parse_label", "read_doccano", "read_labelstudio", "read_tasks",
    "record_gold", "record_spans", "record_text", "safe_name", "spans_to_gold",
]
