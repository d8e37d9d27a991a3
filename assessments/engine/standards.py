"""Default architecture standards (skeleton: list follows)."""

from __future__ import annotations

from .facts import Standard

DEFAULT_STANDARDS: tuple[Standard, ...] = ()
