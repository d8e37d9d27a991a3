"""Server readiness for the engagement's target cloud: ready, ready with conditions, not ready, or unknown.

Rules, each giving a readable reason; the worst status among the rules that fire wins
(not ready > unknown > ready with conditions > ready):
- Not a server (network device, storage array, load balancer): not ready, replaced by the cloud's service.
- No operating system known at all: unknown.
- Platforms no target cloud runs as a VM (AIX, Solaris, HP-UX, IBM i, z/OS) and non-x86 architectures
  (SPARC, POWER, Itanium): not ready, they need a specialist platform (IBM Power Virtual Server, Skytap on
  Azure, IBM Power for Google Cloud, or a mainframe service).
- 32-bit operating systems: not ready (the clouds' current instance types run 64-bit systems).
- Windows Server 2003 and older: not ready on every cloud. Windows Server 2008 (not R2): not ready on GCP,
  which has no image or import path for it; elsewhere, like every release past its end of support in the
  catalogue, ready with conditions (upgrade in place or on landing; extended security updates if bought).
- Linux releases whose kernels predate the clouds' virtual hardware (RHEL/CentOS/Oracle Linux 5 and older,
  Ubuntu before 14.04, SLES 10 and older, Debian before 8): not ready; later releases past end of support:
  ready with conditions.
- Desktop Windows on a server: ready with conditions (licensing needs a desktop service or dedicated hosts).
- An OS family without a recognisable release: ready with conditions (check the release is supported).
- Provisioned size larger than the cloud's largest instance type in the bundled price list: not ready,
  unless utilisation shows it fits a smaller type (ready with conditions: right-size on the way).
- Physical servers: ready with conditions (physical-to-virtual replication agent). Powered-off servers:
  ready with conditions (confirm it is still needed). More than 16 TiB of storage: ready with conditions
  (plan an offline data transfer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .catalogue import lookup
from .facts import ServerFacts
from .sizing import price_list, required_size
from .versions import parse_os, version_key

READY = "ready"
READY_WITH_CONDITIONS = "ready_with_conditions"
NOT_READY = "not_ready"
UNKNOWN = "unknown"
READINESS_STATUSES: tuple[str, ...] = (READY, READY_WITH_CONDITIONS, NOT_READY, UNKNOWN)
# Worst first: used to pick a server's status from its rules and an application's from its servers.
_SEVERITY = {NOT_READY: 3, UNKNOWN: 2, READY_WITH_CONDITIONS: 1, READY: 0}

CLOUD_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}
SPECIALIST_PLATFORM = {
    "aws": "IBM Power Virtual Server or a mainframe service through a partner",
    "azure": "Skytap on Azure (IBM Power) or a mainframe partner service",
    "gcp": "IBM Power for Google Cloud or a mainframe partner service",
}
SPECIALIST_OS = {"aix", "solaris", "hpux", "ibmi", "zos"}
NOT_SERVERS = {"network_device": "network device", "storage": "storage array", "load_balancer": "load balancer"}
# The oldest release whose kernel has the drivers the clouds' virtual hardware needs.
OLDEST_BOOTABLE = {
    "rhel": "6",
    "centos": "6",
    "oracle_linux": "6",
    "ubuntu": "14.04",
    "sles": "11",
    "debian": "8",
    "windows_server": "2008",
}
LARGE_STORAGE_GB = 16 * 1024
_NON_X86 = re.compile(r"sparc|power|ppc|itanium|ia-?64|s390", re.IGNORECASE)
_POWERED_OFF = re.compile(r"off|stopped|suspended", re.IGNORECASE)
_32_BIT = re.compile(r"32[ -]?bit|\bx86\b(?![-_ ]?64)|\bi[3-6]86\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Readiness:
    status: str
    reasons: list[str] = field(default_factory=list)


def worst_readiness(statuses: list[str]) -> str | None:
    """The worst of several readiness statuses (an application's from its servers'); None for none."""
    known = [status for status in statuses if status in _SEVERITY]
    return max(known, key=_SEVERITY.__getitem__) if known else None


def server_readiness(server: ServerFacts, target_cloud: str, *, today: date | None = None) -> Readiness:
    """Whether the server can move to ``target_cloud`` as it is, with the reasons (see the module's rules).

    ``today`` (default: the current date) decides which releases are already past their end of support."""
    today = today or date.today()
    cloud = CLOUD_NAMES.get(target_cloud, target_cloud)
    findings: list[tuple[str, str]] = []

    if server.asset_type in NOT_SERVERS:
        kind = NOT_SERVERS[server.asset_type]
        return Readiness(NOT_READY, [f"A {kind} is not migrated as a VM: replace it with {cloud}'s own service"])

    findings.extend(
        _platform_findings(
            server.os_architecture, server.os_name, server.os_version, server.os_family, target_cloud, today
        )
    )

    findings.extend(_size_findings(server, target_cloud, cloud))

    if server.is_virtual is False:
        findings.append((READY_WITH_CONDITIONS, "Physical server: needs a physical-to-virtual replication agent"))
    if is_powered_off(server):
        findings.append((READY_WITH_CONDITIONS, f"Powered off ({server.power_state}): confirm it is still needed"))
    if server.storage_gb and server.storage_gb > LARGE_STORAGE_GB:
        findings.append(
            (
                READY_WITH_CONDITIONS,
                f"{server.storage_gb / 1024:,.1f} TiB of storage: plan an offline or staged data transfer",
            )
        )

    if not findings:
        return Readiness(READY, [])
    ordered = sorted(findings, key=lambda f: -_SEVERITY[f[0]])
    return Readiness(ordered[0][0], [reason for _, reason in ordered])


@lru_cache(maxsize=4096)
def _platform_findings(
    architecture_field: str | None,
    os_name: str | None,
    os_version: str | None,
    os_family: str | None,
    target_cloud: str,
    today: date,
) -> tuple[tuple[str, str], ...]:
    """The findings about the OS and architecture (the same for every server sharing them: cached)."""
    cloud = CLOUD_NAMES.get(target_cloud, target_cloud)
    findings: list[tuple[str, str]] = []
    architecture = " ".join(filter(None, [architecture_field, os_name]))
    non_x86 = _NON_X86.search(architecture)
    if non_x86:
        platform = SPECIALIST_PLATFORM.get(target_cloud, "a specialist platform")
        findings.append((NOT_READY, f"{non_x86.group(0)} architecture: needs a specialist platform ({platform})"))
    elif _32_BIT.search(architecture):
        findings.append((NOT_READY, "32-bit OS: rebuild on a 64-bit OS (current instance types run 64-bit systems)"))
    os = parse_os(os_name, os_version)
    if os is None:
        if not os_name and not os_family:
            findings.append((UNKNOWN, "Operating system unknown: cannot judge readiness"))
        elif os_family == "unix" or re.search(r"unix|aix|solaris|hp-?ux", os_name or "", re.I):
            platform = SPECIALIST_PLATFORM.get(target_cloud, "a specialist platform")
            findings.append((NOT_READY, f"Unix needs a specialist platform ({platform})"))
        else:
            named = os_name or os_family
            findings.append((READY_WITH_CONDITIONS, f"OS {named!r} not recognised: check {cloud} supports its release"))
    else:
        findings.extend(_os_findings(os.product, os.version, os.display, target_cloud, cloud, today))
    return tuple(findings)


def _os_findings(
    product: str, version: str | None, display: str, target_cloud: str, cloud: str, today: date
) -> list[tuple[str, str]]:
    if product in SPECIALIST_OS:
        platform = SPECIALIST_PLATFORM.get(target_cloud, "a specialist platform")
        return [(NOT_READY, f"{display} needs a specialist platform ({platform}): it cannot run as a VM on {cloud}")]
    if product == "windows":
        return [
            (
                READY_WITH_CONDITIONS,
                f"Desktop {display} on a server: licensing needs a desktop service or dedicated hosts on {cloud}",
            )
        ]
    if version is None:
        return [(READY_WITH_CONDITIONS, f"{display} release unknown: check {cloud} supports it")]
    oldest = OLDEST_BOOTABLE.get(product)
    if oldest and version_key(version) < version_key(oldest):
        return [(NOT_READY, f"{display} is not supported on {cloud}: upgrade or rebuild before moving")]
    if product == "windows_server" and version_key(version) == version_key("2008") and target_cloud == "gcp":
        return [(NOT_READY, f"{display} is not supported on {cloud} (no image or import path): upgrade first")]
    entry = lookup(product, version)
    if entry and entry.end_of_support is not None and entry.end_of_support < today:
        extended = ""
        if entry.extended_support and entry.extended_support >= today:
            extended = f" (paid extended support until {entry.extended_support})"
        return [
            (
                READY_WITH_CONDITIONS,
                f"{display} has been out of support since {entry.end_of_support}{extended}: it runs on {cloud} "
                "but gets no vendor fixes; upgrade in place or on landing",
            )
        ]
    return []


def _size_findings(server: ServerFacts, target_cloud: str, cloud: str) -> list[tuple[str, str]]:
    if target_cloud not in CLOUD_NAMES:
        return []
    prices = price_list(target_cloud)
    cores, memory_gb = server.cpu_cores or 0, (server.memory_mb or 0) / 1024
    if cores <= prices.largest_vcpu and memory_gb <= prices.largest_memory_gb:
        return []
    kind = "physical host" if server.is_virtual is False else "server"
    size = f"{cores} cores" if cores > prices.largest_vcpu else f"{memory_gb:,.0f} GiB of memory"
    vcpu, needed_gb, basis, _ = required_size(server)
    if basis == "performance" and (vcpu or 0) <= prices.largest_vcpu and (needed_gb or 0) <= prices.largest_memory_gb:
        return [(READY_WITH_CONDITIONS, f"{kind} with {size}: fits only right-sized by its utilisation")]
    return [(NOT_READY, f"{kind} with {size}: no instance type that large on {cloud} (price list)")]


def needs_specialist_platform(server: ServerFacts) -> bool:
    """Whether the server runs a platform no target cloud offers as a VM (AIX, Solaris, z/OS, SPARC, POWER ...)."""
    architecture = " ".join(filter(None, [server.os_architecture, server.os_name]))
    if _NON_X86.search(architecture):
        return True
    os = parse_os(server.os_name, server.os_version)
    if os is not None:
        return os.product in SPECIALIST_OS
    return server.os_family == "unix" or bool(re.search(r"unix|aix|solaris|hp-?ux", server.os_name or "", re.I))


def is_powered_off(server: ServerFacts) -> bool:
    """Whether the inventory says the server is off (poweredOff, stopped, suspended)."""
    return bool(server.power_state and _POWERED_OFF.search(server.power_state))
