"""application_dependencies_bulk_write counts every pair it is given, writes the ones that are new or change, and
leaves the others as they were."""

from __future__ import annotations

from engagements.models import Engagement
from inventory import services
from inventory.models import ApplicationDependency


def test_writing_the_same_dependencies_again_counts_them_and_changes_nothing(engagement: Engagement) -> None:
    rows = [
        {"source": "Shop", "target": "Ledger", "kind": "network"},
        {"source": "Shop", "target": "Search", "direction": "bidirectional", "description": "product index"},
    ]
    first = services.application_dependencies_bulk_write(engagement=engagement, rows=rows)
    before = {d.pk: (d.direction, d.kind, d.description) for d in ApplicationDependency.objects.all()}
    again = services.application_dependencies_bulk_write(engagement=engagement, rows=rows)
    assert (first.written, first.applications_created, again.written, again.applications_created) == (2, 3, 2, 0)
    assert {d.pk: (d.direction, d.kind, d.description) for d in ApplicationDependency.objects.all()} == before


def test_a_pair_written_again_takes_its_new_values_and_keeps_the_known_ones(engagement: Engagement) -> None:
    services.application_dependencies_bulk_write(
        engagement=engagement,
        rows=[{"source": "Shop", "target": "Ledger", "direction": "bidirectional", "kind": "api", "description": "x"}],
    )
    result = services.application_dependencies_bulk_write(
        engagement=engagement,
        rows=[{"source": "ledger", "target": "shop", "direction": "northbound", "kind": "network"}],  # turned round
    )
    dependency = ApplicationDependency.objects.get(source__name="Shop", target__name="Ledger")
    assert result.written == 1
    assert (dependency.direction, dependency.kind, dependency.description) == ("outbound", "network", "x")
