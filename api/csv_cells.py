"""Cells of the CSV files people open in a spreadsheet (reports, exports)."""


def safe_cell(text: str) -> str:
    """Text a spreadsheet would read as a formula is quoted (CSV injection): names and notes are typed by people."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
