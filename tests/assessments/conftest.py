"""Backend tests of the assessment: a client with committed rows (the phases run on a real Celery worker or
inline under a lease, on connections of their own), an estate built by the inventory's own services, and a
worker fixture. Fixtures are named assess_* so that they never shadow the pages' or the engine's."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.assessments.backend_data import Estate, build_estate
from tests.factories import Team, committed_team


@pytest.fixture(scope="session")
def assess_tenant(django_db_setup: None, django_db_blocker: Any) -> Iterator[Team]:
    """A client of this directory's backend tests, with committed rows; each test makes its own engagement."""
    with committed_team("assess", django_db_blocker, fast_passwords=True) as team:
        yield team


@pytest.fixture
def assess_db(django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def estate(assess_tenant: Team, assess_db: None, request: pytest.FixtureRequest) -> Iterator[Estate]:
    """The four clear cases of the issue, with dependencies (one cycle), in a fresh engagement."""
    with schema_context(assess_tenant.client.schema_name):
        yield build_estate(name=f"{request.node.name[:120]} {secrets.token_hex(2)}", team=assess_tenant)


@pytest.fixture
def assess_schema(assess_tenant: Team) -> Iterator[str]:
    with schema_context(assess_tenant.client.schema_name):
        yield assess_tenant.client.schema_name


@pytest.fixture
def assess_worker(celery_worker_process: str) -> str:
    """The session's real Celery worker: flows started in this test are run by it."""
    return celery_worker_process


@pytest.fixture
def empty_engagement(assess_tenant: Team, assess_db: None, request: pytest.FixtureRequest) -> Iterator[Engagement]:
    with schema_context(assess_tenant.client.schema_name):
        yield Engagement.objects.create(name=f"{request.node.name[:120]} {secrets.token_hex(2)}")
