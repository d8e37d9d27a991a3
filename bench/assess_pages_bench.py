"""Time the assessment pages on a large portfolio: the estate of bench/assess_bench.py (10,000 applications on
50,000 servers with 200,000 dependencies, the same generator), assessed up to the review gate and planned into
waves, then each page fetched through Django's test client as the engagement manager: time (best of 3), SQL
queries and size of the answer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/assess_c_bench REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/assess_pages_bench.py

BENCH_APPS, BENCH_SERVERS and BENCH_DEPENDENCIES change the sizes (as for assess_bench.py).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("assess_bench", HERE / "assess_bench.py")
assert _spec and _spec.loader
assess_bench: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(assess_bench)  # creates the database when missing and sets Django up

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from accounts.models import User  # noqa: E402
from assessments import services  # noqa: E402
from assessments.models import Assessment, SixRDecision  # noqa: E402
from engagements.models import Engagement  # noqa: E402
from flows.services import flow_run_inline, running_inline  # noqa: E402
from tenants.db import use_public_schema  # noqa: E402
from tenants.models import Client, Membership  # noqa: E402
from tenants.roles import Role  # noqa: E402
from tenants.services import client_create  # noqa: E402


def measure(client: HttpClient, path: str) -> tuple[float, int, int, int]:
    """Best of three: seconds, SQL queries, bytes, status."""
    best = float("inf")
    queries = size = status = 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            content = response.content if not response.streaming else b"".join(response.streaming_content)  # type: ignore[attr-defined, arg-type]
            elapsed = time.perf_counter() - started
        best = min(best, elapsed)
        queries, size, status = len(captured), len(content), response.status_code
        use_public_schema()
    return best, queries, size, status


def main() -> int:
    call_command("platform_setup", verbosity=0)
    slug = f"benchpages{os.getpid()}"
    client_record = client_create(name="Assessment pages bench", slug=slug)
    user = User.objects.create_user(email=f"manager@{slug}.test", password="bench-password-1")
    Membership.objects.create(user=user, client=client_record, role=Role.ENGAGEMENT_MANAGER)
    try:
        with schema_context(slug):
            engagement = Engagement.objects.create(name="Bench", target_cloud="aws")
            sizes = assess_bench.generate(engagement)
            with running_inline():
                flow = services.assessment_start(engagement=engagement, user=user)
                flow = flow_run_inline(flow=flow)
            if flow.status != "waiting_for_input":
                print(f"the assessment did not reach its review gate: {flow.status} {flow.message}")
                return 1
            assessment = Assessment.objects.get(flow=flow)
            plan = services.waves_plan(engagement=engagement, user=user)
            app = SixRDecision.objects.filter(engagement=engagement).order_by("-application_id").first()
            assert app is not None
            print(
                f"pages bench: {sizes['applications']:,} applications, {sizes['servers']:,} servers, "
                f"{sizes['dependencies']:,} dependencies; assessment #{assessment.pk} at the gate; "
                f"{plan.applications:,} applications in {plan.waves} waves"
            )
        use_public_schema()
        http = HttpClient(HTTP_HOST=f"{slug}.localhost")
        http.force_login(user)
        base = f"/engagements/{engagement.pk}/assessment"
        pages = [
            ("portfolio, first page", f"{base}/"),
            ("portfolio, filtered and sorted", f"{base}/?strategy=replatform&sort=-confidence&per_page=100"),
            ("portfolio, last page", f"{base}/?page=400"),
            ("application assessment", f"{base}/applications/{app.application_id}/"),
            ("waves", f"{base}/waves/"),
            ("engagement dashboard", f"/engagements/{engagement.pk}/"),
            ("report (HTML)", f"{base}/report/"),
            ("report (XLSX)", f"{base}/report.xlsx"),
            ("standards", f"{base}/standards/"),
        ]
        print(f"  {'page':<32} {'time':>8} {'queries':>8} {'size':>10}")
        for label, path in pages:
            seconds, queries, size, status = measure(http, path)
            flag = "" if status == 200 else f"  HTTP {status}"
            print(f"  {label:<32} {seconds:7.2f}s {queries:8d} {size / 1024:8.0f} KB{flag}")
    finally:
        use_public_schema()
        Client.objects.get(schema_name=slug).delete(force_drop=True)
        user.delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
