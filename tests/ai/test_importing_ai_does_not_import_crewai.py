from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import django, sys
django.setup()
import ai, ai.crews, ai.field_mapping_review, ai.llm, ai.selectors, ai.services, ai.views, ai.api.views
import ai.templatetags.ai_tags
from django.urls import reverse
reverse("ai:usage", kwargs={"pk": 1})
print(sorted(name for name in sys.modules if name == "crewai" or name.startswith("crewai.")))
"""


def test_importing_the_ai_app_and_its_urls_leaves_crewai_unimported() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, DJANGO_SETTINGS_MODULE="migration_platform.settings"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_lazy_import_switches_crewais_network_features_off() -> None:
    probe = (
        "import os\n"
        "for name in ('CREWAI_DISABLE_TELEMETRY', 'OTEL_SDK_DISABLED', 'CREWAI_TRACING_ENABLED'):\n"
        "    os.environ.pop(name, None)\n"
        "from ai.llm import import_crewai\n"
        "import_crewai()\n"
        "print(os.environ['CREWAI_DISABLE_TELEMETRY'], os.environ['OTEL_SDK_DISABLED'],"
        " os.environ['CREWAI_TRACING_ENABLED'], os.environ['CREWAI_DISABLE_VERSION_CHECK'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["true", "true", "false", "true"]
