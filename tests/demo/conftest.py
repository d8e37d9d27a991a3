"""demo_seed runs flows, whose phases hold a lease on a connection of their own: rows must be committed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def live_db(django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield
