"""The demo estate: source files made from a seeded random generator, run through the platform's own flows.

`demo_seed` (engagements/management/commands/demo_seed.py) calls `demo_seed_run`. Nothing is written to the
inventory directly: the files go through the discovery flow exactly as `import_inventory --sync --approve` and
`import_applications --sync --approve` send them, then the assessment flow runs as `run_assessment --sync
--approve` does (its planning phase makes the waves). The same seed gives the same estate every time.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from openpyxl import Workbook

from accounts.models import User
from engagements.models import Engagement
from engagements.selectors import engagement_get_by_name
from engagements.services import engagement_create
from flows.cli import command_actor, follow_flow
from flows.services import running_inline
from tenants.models import Client

DEMO_ENGAGEMENT = "Data centre exit 2027"
DEMO_DESCRIPTION = "Move the Frankfurt data centre to AWS before the lease ends."
SEED = 2027
RVTOOLS_VMS = 150
ADS_SERVERS = 100
CMDB_SERVERS = 50
WAVE_SERVERS = 40
WAVE_WEEKS = 4
PILOT_CANDIDATE = "Building Access"

Cell = str | int | float | bool | None


class DemoSeedError(Exception):
    """A flow of the demo did not finish; the message names the file or flow and what it said."""


# Operating systems by age: (name as the tools write it, version). "modern" is supported, "aging" near or
# past its end of support, "legacy" long past it.
OS_BY_AGE: dict[str, list[tuple[str, str]]] = {
    "modern": [
        ("Red Hat Enterprise Linux 9", "9.4"),
        ("Microsoft Windows Server 2022", "10.0.20348"),
        ("Ubuntu Linux 22.04", "22.04"),
        ("Red Hat Enterprise Linux 8", "8.9"),
    ],
    "aging": [
        ("Microsoft Windows Server 2012 R2", "6.3.9600"),
        ("Red Hat Enterprise Linux 7", "7.9"),
        ("Microsoft Windows Server 2016", "10.0.14393"),
    ],
    "legacy": [
        ("Microsoft Windows Server 2008 R2", "6.1.7601"),
        ("Red Hat Enterprise Linux 6", "6.10"),
    ],
}


@dataclass(frozen=True)
class Archetype:
    """What makes the engine lean one way: the facts of an application and the age of its servers."""

    app_type: str
    lifecycle: str
    os_age: str
    languages: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()
    middleware: tuple[str, ...] = ()
    vendor: str = ""
    users: tuple[int, int] = (50, 2000)
    criticality: tuple[str, ...] = ("medium", "high")


ARCHETYPES: dict[str, Archetype] = {
    # Sunset, nobody uses it: the engine retires it.
    "retire": Archetype("custom", "sunset", "legacy", ("Visual Basic 6",), (), ("SQL Server 2008",), (), "",
                        (0, 0), ("low",)),
    # A product the market sells as a service: repurchase.
    "repurchase": Archetype("saas_replaceable", "maintain", "aging", (), (), ("Oracle 12c",), (), "",
                            (80, 900), ("medium",)),
    # Modern, supported, no debt: lift and shift.
    "rehost": Archetype("custom", "maintain", "modern", ("Java 21",), (), (), (), "", (200, 5000), ("medium", "high")),
    # Old operating system and database under custom code that is kept: rebuild on managed services.
    "replatform": Archetype("custom", "maintain", "legacy", ("C# (.NET Framework 4.5)",), ("ASP.NET MVC 5",),
                            ("SQL Server 2012",), ("IIS 8.5",), "", (100, 3000), ("medium", "high")),
    # Custom code the business invests in, on old frameworks: refactor.
    "refactor": Archetype("custom", "invest", "modern", ("COBOL", "Java 8"), ("Struts 1",), (), (), "",
                          (500, 20000), ("high", "critical")),
    # A vendor package kept as it is, on supported servers.
    "cots": Archetype("cots", "maintain", "modern", (), (), ("SQL Server 2019",), (), "", (20, 400), ("low",)),
}  # fmt: skip

# (name, archetype, business service, vendor for packages)
APPLICATIONS: list[tuple[str, str, str, str]] = [
    ("Online Banking", "refactor", "Retail Banking", ""),
    ("Payments Hub", "refactor", "Payments", ""),
    ("Loan Origination", "refactor", "Lending", ""),
    ("Core Banking Batch", "refactor", "Retail Banking", ""),
    ("Trade Finance", "refactor", "Corporate Banking", ""),
    ("Mobile API Gateway", "rehost", "Digital Channels", ""),
    ("Customer 360", "rehost", "Retail Banking", ""),
    ("Fraud Detection", "rehost", "Risk", ""),
    ("Identity Service", "rehost", "Security", ""),
    ("Risk Engine", "rehost", "Risk", ""),
    ("Reporting Portal", "rehost", "Finance", ""),
    ("Intranet", "rehost", "Workplace", ""),
    ("Card Issuing", "replatform", "Payments", ""),
    ("Mortgage Portal", "replatform", "Lending", ""),
    ("Branch Teller", "replatform", "Retail Banking", ""),
    ("Treasury", "replatform", "Corporate Banking", ""),
    ("Data Warehouse", "replatform", "Finance", ""),
    ("Call Centre IVR", "replatform", "Digital Channels", ""),
    ("Document Archive", "replatform", "Operations", ""),
    ("Sales CRM", "repurchase", "Sales", "Oracle Siebel"),
    ("HR Portal", "repurchase", "Human Resources", "PeopleSoft HCM"),
    ("Service Desk", "repurchase", "IT Operations", "BMC Remedy"),
    ("Payroll", "repurchase", "Human Resources", "SAP HR"),
    ("Marketing Campaigns", "repurchase", "Sales", "Adobe Campaign"),
    ("Fax Gateway", "retire", "Operations", ""),
    ("Statement Printing", "retire", "Operations", ""),
    ("Legacy Insurance Quotes", "retire", "Insurance", ""),
    ("Expense Claims", "retire", "Finance", ""),
    ("General Ledger", "cots", "Finance", "Infor SunSystems"),
    ("Building Access", "cots", "Workplace", "Honeywell Pro-Watch"),
]

ROLES = ("web", "app", "db")
ENVIRONMENTS = ("Production", "Production", "Test", "Development")


@dataclass
class Server:
    name: str
    os_name: str
    os_version: str
    cores: int
    memory_mb: int
    disk_gb: int
    ip: str
    environment: str
    application: str = ""
    mac: str = ""


@dataclass
class Estate:
    servers: list[Server] = field(default_factory=list)
    applications: list[dict[str, Cell]] = field(default_factory=list)
    connections: list[tuple[str, str, int, str, int]] = field(default_factory=list)


def _code(name: str) -> str:
    letters = "".join(word[0] for word in name.split() if word[0].isalnum()).lower()
    return (letters + name.replace(" ", "").lower())[:4] if len(letters) < 3 else letters[:4]


def estate_generate(*, seed: int = SEED) -> Estate:
    """The whole demo estate, the same for the same seed: servers, applications and their connections."""
    rng = random.Random(seed)
    estate = Estate()
    number = 0
    app_servers: dict[str, list[Server]] = {}
    for app_name, kind, _service, _vendor in APPLICATIONS:
        archetype = ARCHETYPES[kind]
        code = _code(app_name)
        servers: list[Server] = []
        count = {"retire": 2, "repurchase": 4, "cots": 3}.get(kind, rng.randint(6, 11))
        for i in range(count):
            role = ROLES[min(i, 2)] if i < 3 else rng.choice(ROLES[:2])
            os_name, os_version = rng.choice(OS_BY_AGE[archetype.os_age])
            number += 1
            servers.append(
                Server(
                    name=f"{code}-{role}{i + 1:02d}",
                    os_name=os_name,
                    os_version=os_version,
                    cores=rng.choice((2, 4, 4, 8, 8, 16)) * (2 if role == "db" else 1),
                    memory_mb=rng.choice((4, 8, 16, 16, 32, 64)) * 1024 * (2 if role == "db" else 1),
                    disk_gb=rng.choice((60, 100, 200, 500)) * (4 if role == "db" else 1),
                    ip=f"10.{20 + number // 250}.{number % 250 // 10}.{10 + number % 10 * 20 + i}",
                    environment=ENVIRONMENTS[0] if i < 3 else rng.choice(ENVIRONMENTS),
                    application=app_name,
                )
            )
        app_servers[app_name] = servers
        estate.servers.extend(servers)
    total = RVTOOLS_VMS + ADS_SERVERS + CMDB_SERVERS
    for i in range(total - len(estate.servers)):
        os_name, os_version = rng.choice(OS_BY_AGE[rng.choice(("modern", "modern", "aging", "legacy"))])
        number += 1
        estate.servers.append(
            Server(
                name=f"infra-{rng.choice(('dns', 'ntp', 'mon', 'bkp', 'ftp', 'jmp', 'log'))}{i + 1:03d}",
                os_name=os_name,
                os_version=os_version,
                cores=rng.choice((1, 2, 2, 4)),
                memory_mb=rng.choice((2, 4, 8)) * 1024,
                disk_gb=rng.choice((40, 60, 100)),
                ip=f"10.40.{i // 200}.{10 + i % 200}",
                environment=rng.choice(ENVIRONMENTS),
            )
        )
    for index, server in enumerate(estate.servers):
        server.mac = f"00:50:56:{index // 65536 % 256:02x}:{index // 256 % 256:02x}:{index % 256:02x}"
    rng.shuffle(estate.servers)

    for app_name, kind, service, vendor in APPLICATIONS:
        archetype = ARCHETYPES[kind]
        low, high = archetype.users
        users = 0 if high == 0 else rng.randrange(low, high + 1, 10)
        estate.applications.append(
            {
                "Application Name": app_name,
                "Description": f"{app_name} for {service.lower()}",
                "Application Type": archetype.app_type,
                "Business Criticality": rng.choice(archetype.criticality),
                "Lifecycle": archetype.lifecycle,
                "Business Service": service,
                "Business Owner": f"{rng.choice(('Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix'))} "
                f"{rng.choice(('Schmidt', 'Meyer', 'Wagner', 'Becker', 'Hoffmann'))}",
                "Users": users,
                "Languages": "; ".join(archetype.languages),
                "Frameworks": "; ".join(archetype.frameworks),
                "Databases": "; ".join(archetype.databases),
                "Middleware": "; ".join(archetype.middleware),
                "Vendor": vendor,
                "Annual Cost": rng.randrange(20, 400) * 1000,
                "Servers": "; ".join(server.name for server in app_servers[app_name]),
            }
        )

    # Calls between applications (web -> app -> db inside one, then across the estate), as a flow log shows.
    # Each application calls only applications earlier in a shuffled order: layers without cycles, so the
    # planner finds small move groups and spreads them over several waves.
    names = [name for name, kind, _, _ in APPLICATIONS if kind != "retire"]
    rng.shuffle(names)
    names.sort(key=lambda name: name != PILOT_CANDIDATE)  # depends on nothing: the planner's pilot
    for position, app_name in enumerate(names):
        servers = app_servers[app_name]
        web, app, db = servers[0], servers[1], servers[2] if len(servers) > 2 else servers[1]
        estate.connections.append((web.ip, app.name, 8443, "tcp", rng.randint(1000, 90000)))
        if db is not app:
            estate.connections.append((app.name, db.ip, 1521, "tcp", rng.randint(1000, 90000)))
        for other in rng.sample(names[:position], k=min(position, rng.randint(1, 3))):
            estate.connections.append((app.ip, app_servers[other][1].name, 443, "tcp", rng.randint(10, 20000)))
    for retired in (name for name, kind, _, _ in APPLICATIONS if kind == "retire"):
        estate.connections.append((app_servers[retired][0].ip, app_servers["Document Archive"][1].name, 445, "tcp", 40))
    return estate


# ------------------------------------------------------------------------------------------- source files

RVTOOLS_VINFO = [
    "VM", "Powerstate", "Template", "DNS Name", "CPUs", "Memory", "NICs", "Disks", "Total disk capacity MiB",
    "Primary IP Address", "Network #1", "Provisioned MiB", "In Use MiB", "Annotation", "Datacenter", "Cluster",
    "Host", "OS according to the configuration file", "OS according to the VMware Tools", "VM ID", "SMBIOS UUID",
    "VI SDK Server",
]  # fmt: skip
ADS_HEADERS = [
    "ExternalId", "SMBiosId", "IPAddress", "MACAddress", "HostName", "VMware.MoRefId", "VMware.VCenterId",
    "CPU.NumberOfProcessors", "CPU.NumberOfCores", "CPU.NumberOfLogicalCores", "OS.Name", "OS.Version",
    "VMware.VMName", "RAM.TotalSizeInMB", "RAM.UsedSizeInMB.Avg", "RAM.UsedSizeInMB.Max", "CPU.UsagePct.Avg",
    "CPU.UsagePct.Max", "Applications", "Tags",
]  # fmt: skip
CMDB_HEADERS = [
    "name", "sys_id", "sys_class_name", "ip_address", "mac_address", "os", "os_version", "cpu_count",
    "cpu_core_count", "ram", "disk_space", "install_status", "used_for", "support_group", "location",
    "department", "virtual", "short_description",
]  # fmt: skip


def _uuid(index: int, salt: int) -> str:
    return f"4211{salt:04x}-0000-4000-8000-{index:012d}"


def rvtools_write(path: Path, servers: Sequence[Server]) -> Path:
    vinfo: list[list[Cell]] = [list(RVTOOLS_VINFO)]
    vdisk: list[list[Cell]] = [["VM", "Powerstate", "Disk", "Capacity MiB", "Thin"]]
    vnetwork: list[list[Cell]] = [["VM", "Powerstate", "NIC label", "Adapter", "Network", "Connected",
                                   "Mac Address", "IPv4 Address"]]  # fmt: skip
    for index, s in enumerate(servers):
        disk_mib = s.disk_gb * 1024
        os_label = f"{s.os_name} (64-bit)"
        vinfo.append([
            s.name, "poweredOn", False, f"{s.name}.corp.example.com", s.cores, s.memory_mb, 1, 2, disk_mib, s.ip,
            "VM Network", disk_mib, disk_mib // 2, s.application, "DC-Frankfurt", f"Cluster-0{index % 3 + 1}",
            f"esx{index % 8 + 1:02d}.corp.example.com", os_label, os_label, f"vm-{1000 + index}",
            _uuid(index, 1), "vcenter01",
        ])  # fmt: skip
        vdisk.append([s.name, "poweredOn", "Hard disk 1", 61440, True])
        vdisk.append([s.name, "poweredOn", "Hard disk 2", max(disk_mib - 61440, 10240), True])
        vnetwork.append([s.name, "poweredOn", "Network adapter 1", "vmxnet3", "VM Network", True, s.mac, s.ip])
    workbook = Workbook(write_only=True)
    for name, rows in (("vInfo", vinfo), ("vDisk", vdisk), ("vNetwork", vnetwork)):
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def _csv(path: Path, rows: Sequence[Sequence[Cell]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def ads_write(path: Path, servers: Sequence[Server], rng: random.Random) -> Path:
    rows: list[list[Cell]] = [list(ADS_HEADERS)]
    for index, s in enumerate(servers):
        avg = rng.randint(5, 60)
        rows.append([
            f"d-server-{index:05d}", _uuid(index, 2), s.ip, s.mac.replace(":", "-"), f"{s.name}.corp.example.com",
            f"vm-{3000 + index}", "vc-02", 1 if s.cores <= 4 else 2, s.cores, s.cores * 2, s.os_name, s.os_version,
            s.name, s.memory_mb, s.memory_mb * avg // 100, s.memory_mb * min(avg + 25, 95) // 100, avg,
            min(avg + rng.randint(10, 35), 100), s.application, f"env:{s.environment.lower()}",
        ])  # fmt: skip
    return _csv(path, rows)


def cmdb_write(path: Path, servers: Sequence[Server]) -> Path:
    rows: list[list[Cell]] = [list(CMDB_HEADERS)]
    for index, s in enumerate(servers):
        windows = "Windows" in s.os_name
        rows.append([
            s.name, f"{index:032x}", "cmdb_ci_win_server" if windows else "cmdb_ci_linux_server", s.ip, s.mac,
            s.os_name, s.os_version, 1 if s.cores <= 4 else 2, s.cores, s.memory_mb, s.disk_gb, "Installed",
            s.environment, "Windows Ops" if windows else "Linux Ops", "Frankfurt DC1", "IT Operations", "false",
            f"{s.application or 'Infrastructure'} server",
        ])  # fmt: skip
    return _csv(path, rows)


def applications_write(path: Path, applications: Sequence[dict[str, Cell]]) -> Path:
    headers = list(applications[0])
    return _csv(path, [headers, *([app[h] for h in headers] for app in applications)])


def connections_write(path: Path, connections: Sequence[tuple[str, str, int, str, int]]) -> Path:
    return _csv(path, [["source", "destination", "port", "protocol", "count"], *connections])


def files_write(folder: Path, estate: Estate, *, seed: int = SEED) -> list[tuple[Path, str]]:
    """The demo's source files in the order they are imported, each with its kind ("" when detected)."""
    rng = random.Random(seed + 1)
    servers = estate.servers
    rvtools = servers[:RVTOOLS_VMS]
    ads = servers[RVTOOLS_VMS : RVTOOLS_VMS + ADS_SERVERS]
    cmdb = servers[RVTOOLS_VMS + ADS_SERVERS :]
    return [
        (rvtools_write(folder / "RVTools_export_vcenter01.xlsx", rvtools), ""),
        (ads_write(folder / "aws_discovery_import.csv", ads, rng), ""),
        (cmdb_write(folder / "servicenow_cmdb_ci_server.csv", cmdb), ""),
        (applications_write(folder / "application_portfolio.csv", estate.applications), "applications"),
        (connections_write(folder / "netflow_connections.csv", estate.connections), ""),
    ]


# ------------------------------------------------------------------------------------------- running it


def _follow(*, flow: Any, user: User, label: str, log: TextIO) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = follow_flow(flow=flow, user=user, sync=True, approve=True, json_output=True, stdout=out, stderr=err)
    log.write(err.getvalue())
    if code != 0:
        raise DemoSeedError(f"{label}: the flow did not finish ({out.getvalue().strip() or err.getvalue().strip()})")


def file_import(*, engagement: Engagement, path: Path, kind: str, user: User, log: TextIO) -> None:
    """What `import_inventory FILE --sync --approve` does for one file (import_applications with kind set)."""
    from imports import services as imports

    try:
        data_import = imports.import_create(
            engagement=engagement,
            source=path,
            original_name=path.name,
            user=user,
            kind=kind,
            sheet="",
            on_duplicate="update",
            skip_invalid=False,
            requested_mapping=None,
        )
    except ValidationError as error:
        raise DemoSeedError(f"{path.name} was refused: {'; '.join(error.messages)}") from None
    with running_inline():
        data_import = imports.import_flow_start(data_import=data_import, user=user, actor=command_actor(user))
    assert data_import.flow is not None
    _follow(flow=data_import.flow, user=user, label=path.name, log=log)


def assessment_run(*, engagement: Engagement, user: User, log: TextIO) -> None:
    """What `run_assessment --sync --approve` does: assess every application, pass the review, plan the waves."""
    from assessments import services as assessments

    # As a consultant sets them on the waves page before planning: smaller waves, a month each.
    assessments.wave_settings_update(
        engagement=engagement, user=user, max_servers_per_wave=WAVE_SERVERS, wave_weeks=WAVE_WEEKS
    )
    with running_inline():
        flow = assessments.assessment_start(engagement=engagement, user=user, actor=command_actor(user))
    _follow(flow=flow, user=user, label="assessment", log=log)


def demo_engagement(*, client: Client) -> Engagement | None:
    with schema_context(client.schema_name):
        return engagement_get_by_name(name=DEMO_ENGAGEMENT)


def has_data(engagement: Engagement) -> bool:
    from imports.models import DataImport
    from inventory.models import Application, Asset

    return (
        Asset.objects.filter(engagement=engagement).exists()
        or Application.objects.filter(engagement=engagement).exists()
        or DataImport.objects.filter(engagement=engagement).exists()
    )


def is_seeded(engagement: Engagement) -> bool:
    """Seeded: it holds servers and an approved assessment (what the last step of a seed leaves)."""
    from assessments.models import Assessment
    from inventory.models import Asset

    return (
        Asset.objects.filter(engagement=engagement).exists()
        and Assessment.objects.filter(engagement=engagement, approved_at__isnull=False).exists()
    )


def engagement_discard(*, engagement: Engagement) -> None:
    """For --reset: the stored files of its imports, then the engagement and everything in it."""
    from imports import services as imports
    from imports.models import DataImport

    for data_import in DataImport.objects.filter(engagement=engagement):
        imports.import_delete_file(data_import=data_import)
    engagement.delete()


def demo_seed_run(*, client: Client, user: User, reset: bool = False, log: TextIO) -> tuple[Engagement, bool]:
    """Seed the demo engagement of `client`; returns it and whether anything was done (False: already there).

    An engagement of that name holding other data (people's own imports, or a seed that stopped half way) is
    left alone unless `reset`: DemoSeedError says so.
    """
    with schema_context(client.schema_name):
        engagement = engagement_get_by_name(name=DEMO_ENGAGEMENT)
        if engagement is not None and not reset:
            if is_seeded(engagement):
                return engagement, False
            if has_data(engagement):
                raise DemoSeedError(
                    f"the engagement '{engagement.name}' of {client.name} already holds data but no approved "
                    "assessment (an earlier seed stopped, or people imported into it); --reset deletes it and "
                    "builds the demo again."
                )
        if engagement is not None and reset:
            engagement_discard(engagement=engagement)
            engagement = None
        if engagement is None:
            engagement = engagement_create(
                created_by=user, name=DEMO_ENGAGEMENT, description=DEMO_DESCRIPTION, target_cloud="aws"
            )
        estate = estate_generate()
        with tempfile.TemporaryDirectory(prefix="demo-seed-") as folder:
            for path, kind in files_write(Path(folder), estate):
                log.write(f"Importing {path.name}\n")
                file_import(engagement=engagement, path=path, kind=kind, user=user, log=log)
        log.write("Assessing the applications and planning the waves\n")
        assessment_run(engagement=engagement, user=user, log=log)
        return engagement, True


def summary(*, client: Client, engagement: Engagement) -> str:
    """What a newcomer will find: counts of assets, applications, dependencies and waves."""
    from assessments.models import Wave
    from inventory.models import Application, ApplicationDependency, Asset

    with schema_context(client.schema_name):
        assets = Asset.objects.filter(engagement=engagement, deleted_at__isnull=True).count()
        apps = Application.objects.filter(engagement=engagement, deleted_at__isnull=True).count()
        deps = ApplicationDependency.objects.filter(engagement=engagement).count()
        waves = Wave.objects.filter(engagement=engagement).count()
    return f"{assets} servers, {apps} applications, {deps} dependencies, {waves} waves"
