"""Time new client provisioning (schema cloned from the template, domain, admin membership).

Goal (issue 2): under 3 seconds. Run: `python3 scripts/dev.py bench provision_bench`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from tenants.models import Client  # noqa: E402
from tenants.services import client_create, user_get_or_create  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def main() -> None:
    call_command("platform_setup", verbosity=0)
    admin, _ = user_get_or_create(email="bench-admin@bench.test")
    timings = []
    for index in range(RUNS):
        slug = f"bench{os.getpid()}x{index}"
        started = time.perf_counter()
        client_create(name=f"Bench {index}", slug=slug, admin=admin)
        timings.append(time.perf_counter() - started)
        Client.objects.get(schema_name=slug).delete(force_drop=True)
    admin.delete()
    print(f"client provisioning over {RUNS} runs (schema clone + domain + membership):")
    print(f"  median {statistics.median(timings):.3f} s   max {max(timings):.3f} s   min {min(timings):.3f} s")
    print(f"  goal < 3 s: {'met' if max(timings) < 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
