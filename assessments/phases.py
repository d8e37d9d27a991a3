"""The assessment and planning phases (filled in below)."""

from __future__ import annotations


def register_assessment_phases() -> None:
    """Replace the placeholders of flows/builtin_phases.py with the assessment's phases."""
