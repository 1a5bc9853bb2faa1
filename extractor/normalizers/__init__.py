"""Pure-text normalisers (no spaCy): numbers, amounts, dates."""
