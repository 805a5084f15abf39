"""Cells of the CSV files dermadesk writes, safe to open in a spreadsheet (pure).

Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula; such text gets a leading apostrophe, as spreadsheets themselves do, and an import
takes it away again.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as text a spreadsheet shows as text."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def without_formula_mark(text: str) -> str:
    """A cell's protective apostrophe taken away (what ``safe_cell`` added)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
