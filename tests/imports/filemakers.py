"""Files the import tests make at test time: workbooks, a ZIP bomb, oversized cells, long CSVs.

Binary and large files are made here rather than committed; small text fixtures live in fixtures/.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

FIXTURES = Path(__file__).resolve().parent / "fixtures"

Cell = str | int | float | bool | None

# RVTools 4.x vInfo (MiB spellings), a subset in the tool's column order.
RVTOOLS_4X_VINFO_HEADERS = [
    "VM",
    "Powerstate",
    "Template",
    "SRM Placeholder",
    "Config status",
    "DNS Name",
    "Connection state",
    "Guest state",
    "Heartbeat",
    "CPUs",
    "Memory",
    "Active Memory",
    "NICs",
    "Disks",
    "Total disk capacity MiB",
    "Primary IP Address",
    "Network #1",
    "Provisioned MiB",
    "In Use MiB",
    "Unshared MiB",
    "Firmware",
    "HW version",
    "Annotation",
    "Datacenter",
    "Cluster",
    "Host",
    "OS according to the configuration file",
    "OS according to the VMware Tools",
    "VM ID",
    "SMBIOS UUID",
    "VM UUID",
    "VI SDK Server",
]
RVTOOLS_4X_VINFO_ROWS: list[list[Cell]] = [
    ["app01", "poweredOn", False, False, "green", "app01.corp.example.com", "connected", "running", "green", 4,
     16384, 4096, 1, 2, 153600, "10.0.0.21", "VM Network", 163840.0, 81920.5, 81920, "efi", "vmx-19",
     "Order service", "DC-Amsterdam", "Cluster-01", "esx01.corp.example.com",
     "Microsoft Windows Server 2022 (64-bit)", "Microsoft Windows Server 2022 (64-bit)", "vm-201",
     "4211aa01-0000-4000-8000-000000000001", "50112233-0000-4000-8000-000000000001", "vcenter01"],
    ["app02", "poweredOff", False, False, "green", None, "connected", "notRunning", "gray", 2,
     8192, 0, 1, 1, 61440, None, "VM Network", 65536, 20480, 20480, "bios", "vmx-19",
     None, "DC-Amsterdam", "Cluster-01", "esx02.corp.example.com",
     "Red Hat Enterprise Linux 9 (64-bit)", None, "vm-202",
     "4211aa01-0000-4000-8000-000000000002", "50112233-0000-4000-8000-000000000002", "vcenter01"],
]  # fmt: skip
RVTOOLS_4X_OTHER_SHEETS: dict[str, list[list[Cell]]] = {
    "vCPU": [["VM", "Powerstate", "CPUs", "Sockets", "Cores p/s"], ["app01", "poweredOn", 4, 2, 2]],
    "vMemory": [["VM", "Powerstate", "Size MiB", "Consumed"], ["app01", "poweredOn", 16384, 8192]],
    "vDisk": [
        ["VM", "Powerstate", "Disk", "Capacity MiB", "Thin"],
        ["app01", "poweredOn", "Hard disk 1", 102400, True],
        ["app01", "poweredOn", "Hard disk 2", 51200, True],
        ["app02", "poweredOff", "Hard disk 1", 61440, False],
    ],
    "vNetwork": [
        ["VM", "Powerstate", "NIC label", "Adapter", "Network", "Connected", "Mac Address", "IPv4 Address"],
        ["app01", "poweredOn", "Network adapter 1", "vmxnet3", "VM Network", True, "00:50:56:01:aa:01", "10.0.0.21"],
        ["app02", "poweredOff", "Network adapter 1", "vmxnet3", "VM Network", False, "00:50:56:01:aa:02", None],
    ],
}


def make_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Cell]]]) -> Path:
    """A workbook with one tab per entry, in order, written by openpyxl."""
    workbook = Workbook(write_only=True)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(list(row))
    workbook.save(path)
    return path


def make_rvtools_4x(path: Path, *, vinfo_first: bool = True) -> Path:
    """An RVTools 4.x export: vInfo (first unless told otherwise), vCPU, vMemory, vDisk and vNetwork."""
    vinfo: dict[str, Sequence[Sequence[Cell]]] = {"vInfo": [RVTOOLS_4X_VINFO_HEADERS, *RVTOOLS_4X_VINFO_ROWS]}
    sheets = {**vinfo, **RVTOOLS_4X_OTHER_SHEETS} if vinfo_first else {**RVTOOLS_4X_OTHER_SHEETS, **vinfo}
    return make_xlsx(path, sheets)


def make_zip_bomb(path: Path, *, megabytes: int = 200) -> Path:
    """A ZIP named .xlsx whose one sheet inflates from a few hundred KB to `megabytes` MB of zeros."""
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as entry:
            for _ in range(megabytes):
                entry.write(chunk)
    return path


def make_csv(path: Path, rows: Sequence[Sequence[Cell]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def make_big_cell_csv(path: Path, *, cell_bytes: int = 1024 * 1024 + 10) -> Path:
    """A CSV whose row 3, column 'Notes' holds one cell just over 1 MB."""
    return make_csv(path, [["Server", "Notes"], ["srv01", "short"], ["srv02", "x" * cell_bytes]])


def make_server_csv(path: Path, rows: int, *, columns: int = 6) -> Path:
    """A generic server list of `rows` data rows: name, IP, memory, cores, OS, environment, then extras."""
    headers = ["Server Name", "IP Address", "Memory (GB)", "CPU Cores", "Operating System", "Environment"]
    headers += [f"Extra {i}" for i in range(len(headers), columns)]
    environments = ["Prod", "Dev", "UAT", "Non-Prod", "DR"]
    systems = ["Windows Server 2019", "Red Hat Enterprise Linux 8", "Ubuntu 22.04", "AIX 7.2"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for i in range(rows):
            row: list[Cell] = [
                f"srv{i:06d}",
                f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                [4, 8, 16, 32][i % 4],
                [2, 4, 8][i % 3],
                systems[i % 4],
                environments[i % 5],
            ]
            row += [f"value {i}-{c}" for c in range(len(row), columns)]
            writer.writerow(row)
    return path
