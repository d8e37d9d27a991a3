"""Sizing on the target cloud: performance-based where utilisation is known, else as provisioned; cheapest fit."""

from __future__ import annotations

from datetime import date

import pytest

from assessments.engine.sizing import cheapest_fit, price_list, size_server

from .engine_facts import server


@pytest.mark.parametrize(("cloud", "region"), [("aws", "us-east-1"), ("azure", "eastus"), ("gcp", "us-central1")])
def test_each_cloud_has_a_dated_price_list(cloud: str, region: str) -> None:
    prices = price_list(cloud)

    assert prices.region == region
    assert prices.currency == "USD"
    assert prices.as_of == date(2025, 6, 1)
    assert prices.source
    assert len(prices.instance_types) > 20
    assert all(t.monthly_usd > 0 and t.vcpu > 0 and t.memory_gb > 0 for t in prices.instance_types)


def test_an_unknown_cloud_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="No price list for cloud 'oracle'"):
        price_list("oracle")


def test_a_server_without_utilisation_is_sized_as_provisioned() -> None:
    sizing = size_server(server(cpu_cores=4, memory_mb=16384), "aws")

    assert sizing.basis == "provisioned"
    assert (sizing.instance_type, sizing.vcpu, sizing.memory_gb) == ("m6i.xlarge", 4, 16.0)
    assert sizing.monthly_cost == 140.16 + 200 * 0.08  # m6i.xlarge and 200 GB of gp3
    assert sizing.price_list_date == date(2025, 6, 1)
    assert "4 cores as provisioned; 16 GiB as provisioned" in sizing.reason


def test_utilisation_sizes_a_server_down_with_headroom() -> None:
    busy_peak = server(
        cpu_cores=16, memory_mb=65536, cpu_util_avg_pct=30, cpu_util_max_pct=45, memory_used_max_mb=20480
    )

    sizing = size_server(busy_peak, "aws")

    # 16 cores x 45% x 1.3 = 9.36 -> 10 vCPU; 20 GiB x 1.3 = 26 GiB: the cheapest type with both is c6i.4xlarge
    # (16 vCPU, 32 GiB), cheaper than the provisioned size's m6i.4xlarge (16 vCPU, 64 GiB).
    assert sizing.basis == "performance"
    assert sizing.instance_type == "c6i.4xlarge"
    assert size_server(server(cpu_cores=16, memory_mb=65536), "aws").instance_type == "m6i.4xlarge"
    assert "needs 10 vCPU and 26 GiB" in sizing.reason


def test_performance_based_sizing_is_cheaper_than_provisioned_for_an_idle_server() -> None:
    provisioned = size_server(server(cpu_cores=16, memory_mb=65536), "azure")
    measured = size_server(
        server(cpu_cores=16, memory_mb=65536, cpu_util_avg_pct=25, cpu_util_max_pct=50, memory_util_avg_pct=30), "azure"
    )

    assert (provisioned.basis, measured.basis) == ("provisioned", "performance")
    assert (measured.monthly_cost or 0) < (provisioned.monthly_cost or 0)


def test_burstable_types_only_for_measured_quiet_servers() -> None:
    quiet = size_server(server(cpu_cores=2, memory_mb=4096, cpu_util_avg_pct=5, cpu_util_max_pct=15), "aws")
    unmeasured = size_server(server(cpu_cores=2, memory_mb=4096), "aws")

    assert quiet.instance_type == "t3.medium"
    assert unmeasured.instance_type == "c6i.large"


def test_the_cheapest_type_that_fits_wins() -> None:
    for cloud in ("aws", "azure", "gcp"):
        for vcpu, memory in ((2, 8), (8, 64), (32, 32), (48, 384)):
            chosen = cheapest_fit(cloud, vcpu, memory, False)
            assert chosen is not None
            fitting = [
                t
                for t in price_list(cloud).instance_types
                if t.vcpu >= vcpu and t.memory_gb >= memory and not t.burstable
            ]
            assert chosen.monthly_usd == min(t.monthly_usd for t in fitting)


def test_windows_pays_its_licence() -> None:
    linux = size_server(server(cpu_cores=4, memory_mb=16384), "gcp")
    windows = size_server(
        server(cpu_cores=4, memory_mb=16384, os_name="Windows Server 2022", os_family="windows"), "gcp"
    )

    assert linux.instance_type == windows.instance_type
    assert windows.monthly_cost == pytest.approx((linux.monthly_cost or 0) + 4 * 0.046 * 730, abs=0.01)
    assert "including the Windows licence and 200 GB of Persistent Disk balanced" in windows.reason


def test_nothing_to_size_on_says_so() -> None:
    sizing = size_server(server(cpu_cores=None, memory_mb=None), "aws")

    assert (sizing.instance_type, sizing.basis, sizing.monthly_cost) == (None, "none", None)
    assert sizing.reason == "No CPU or memory figures to size it on"


def test_a_server_too_large_for_the_list_gets_no_type_and_a_reason() -> None:
    sizing = size_server(server(cpu_cores=192, memory_mb=4 * 1024 * 1024), "azure")

    assert sizing.instance_type is None
    assert sizing.basis == "provisioned"
    assert sizing.reason.startswith("No instance type that large in the azure price list: needs 192 vCPU and 4096 GiB")


def test_network_devices_are_not_sized() -> None:
    assert size_server(server(asset_type="network_device"), "aws").basis == "none"


def test_odd_figures_are_clamped_or_ignored_not_trusted() -> None:
    over = size_server(server(cpu_cores=4, memory_mb=8192, cpu_util_max_pct=250.0, memory_used_max_mb=0), "aws")
    zero = size_server(server(cpu_cores=0, memory_mb=0), "aws")

    # 250% peak CPU is read as 100%: 4 cores x 1.3 = 6 vCPU, memory as provisioned (a zero peak is no figure).
    assert (over.basis, over.vcpu, over.memory_gb) == ("performance", 8, 16.0)
    assert "needs 6 vCPU and 8 GiB" in over.reason
    assert (zero.instance_type, zero.basis) == (None, "none")
