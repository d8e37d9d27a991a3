"""Small helpers for the messages people read."""

from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """'1 wave', '2 waves', '10,000 applications': a count with its noun in the right number."""
    noun = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {noun}"
