"""Server readiness for the target cloud, with reasons a consultant can read out."""

from __future__ import annotations

import pytest

from assessments.engine.readiness import (
    NOT_READY,
    READY,
    READY_WITH_CONDITIONS,
    UNKNOWN,
    needs_specialist_platform,
    server_readiness,
    worst_readiness,
)

from .engine_facts import TODAY, server


def judge(cloud: str = "aws", **facts: object) -> tuple[str, list[str]]:
    result = server_readiness(server(**facts), cloud, today=TODAY)  # type: ignore[arg-type]
    return result.status, result.reasons


def test_a_supported_virtual_server_is_ready_with_no_reasons() -> None:
    assert judge() == (READY, [])


def test_a_server_without_an_os_is_unknown() -> None:
    status, reasons = judge(os_name=None, os_family=None)

    assert status == UNKNOWN
    assert reasons == ["Operating system unknown: cannot judge readiness"]


@pytest.mark.parametrize(("cloud", "cloud_name"), [("aws", "AWS"), ("azure", "Azure"), ("gcp", "Google Cloud")])
def test_windows_server_2003_is_not_supported_anywhere(cloud: str, cloud_name: str) -> None:
    status, reasons = judge(cloud, os_name="Windows Server 2003 R2", os_family="windows")

    assert status == NOT_READY
    assert reasons[0].startswith(f"Windows Server 2003 R2 is not supported on {cloud_name}")


def test_windows_server_2008_moves_with_conditions_except_to_google_cloud() -> None:
    aws_status, aws_reasons = judge("aws", os_name="Windows Server 2008 R2", os_family="windows")
    gcp_status, gcp_reasons = judge("gcp", os_name="Windows Server 2008", os_family="windows")

    assert aws_status == READY_WITH_CONDITIONS
    assert "Windows Server 2008 R2 has been out of support since 2020-01-14" in aws_reasons[0]
    assert gcp_status == NOT_READY
    assert "not supported on Google Cloud" in gcp_reasons[0]


def test_an_os_past_its_support_is_a_condition_only_once_its_date_has_passed() -> None:
    status, reasons = judge(os_name="CentOS 7", os_family="linux")
    future, _ = judge(os_name="Windows Server 2016", os_family="windows")

    assert status == READY_WITH_CONDITIONS
    assert "CentOS 7 has been out of support since 2024-06-30" in reasons[0]
    assert future == READY


def test_a_32_bit_os_is_not_ready() -> None:
    status, reasons = judge(os_name="CentOS 6 (32-bit)", os_architecture="i686")

    assert status == NOT_READY
    assert reasons[0].startswith("32-bit OS")


@pytest.mark.parametrize(
    ("facts", "fragment"),
    [
        ({"os_name": "AIX 7.2", "os_family": "unix", "os_architecture": "ppc64"}, "needs a specialist platform"),
        ({"os_name": "Oracle Solaris 11", "os_family": "unix", "os_architecture": "x86_64"}, "Solaris 11 needs"),
        ({"os_name": "HP-UX 11i v3", "os_family": "unix", "os_architecture": "ia64"}, "needs a specialist platform"),
    ],
)
def test_unix_platforms_need_a_specialist_platform(facts: dict[str, str], fragment: str) -> None:
    status, reasons = judge("azure", **facts)

    assert status == NOT_READY
    assert any(fragment in reason for reason in reasons)
    assert any("Skytap on Azure" in reason for reason in reasons)
    assert needs_specialist_platform(server(**facts))  # type: ignore[arg-type]
    assert not needs_specialist_platform(server())


def test_a_host_larger_than_any_instance_type_is_not_ready() -> None:
    status, reasons = judge(cpu_cores=256, memory_mb=512 * 1024, is_virtual=False)

    assert status == NOT_READY
    assert reasons[0] == "physical host with 256 cores: no instance type that large on AWS (price list)"
    assert "Physical server: needs a physical-to-virtual replication agent" in reasons


def test_a_large_host_that_is_mostly_idle_fits_right_sized() -> None:
    status, reasons = judge(cpu_cores=256, memory_mb=256 * 1024, cpu_util_max_pct=20, memory_used_max_mb=64 * 1024)

    assert status == READY_WITH_CONDITIONS
    assert reasons == ["server with 256 cores: fits only right-sized by its utilisation"]


def test_conditions_for_physical_powered_off_and_very_large_storage() -> None:
    status, reasons = judge(is_virtual=False, power_state="poweredOff", storage_gb=40_000)

    assert status == READY_WITH_CONDITIONS
    assert reasons == [
        "Physical server: needs a physical-to-virtual replication agent",
        "Powered off (poweredOff): confirm it is still needed",
        "39.1 TiB of storage: plan an offline or staged data transfer",
    ]


def test_network_devices_are_not_migrated_as_vms() -> None:
    status, reasons = judge(asset_type="load_balancer")

    assert status == NOT_READY
    assert reasons == ["A load balancer is not migrated as a VM: replace it with AWS's own service"]


def test_an_unrecognised_os_release_is_a_condition() -> None:
    status, reasons = judge(os_name="Linux", os_family="linux")

    assert status == READY_WITH_CONDITIONS
    assert "not recognised" in reasons[0]


def test_the_worst_status_wins() -> None:
    assert worst_readiness([READY, READY_WITH_CONDITIONS]) == READY_WITH_CONDITIONS
    assert worst_readiness([READY, UNKNOWN, READY_WITH_CONDITIONS]) == UNKNOWN
    assert worst_readiness([UNKNOWN, NOT_READY, READY]) == NOT_READY
    assert worst_readiness([]) is None
