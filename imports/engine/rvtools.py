"""RVTools enrichment: the vNetwork and vDisk tabs add to the VMs of vInfo, matched by VM name.

cli.md: for RVTools the chosen sheet is vInfo; the other tabs enrich the same VMs and are not listed in the
mapping. vInfo has one primary IP and no MAC address; vNetwork has every NIC's MAC and addresses, vDisk every
disk's capacity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from imports.engine.headers import squash
from imports.engine.readers import Table
from imports.engine.transforms import TransformError, normalise_mac, parse_number, split_list


@dataclass
class VmExtras:
    mac_address: list[str] = field(default_factory=list)
    ip_address: list[str] = field(default_factory=list)
    disk_count: int = 0
    # Sum of the disks' capacities, in GB (RVTools writes MiB in 4.x, MB in 3.x; both count as MB).
    storage_gb: float = 0.0


def _sheet(table: Table, name: str) -> str | None:
    return next((s for s in table.sheets if s.casefold() == name.casefold()), None)


def _columns(headers: list[str], *names: str) -> list[int | None]:
    index = {squash(h): i for i, h in enumerate(headers)}
    return [index.get(name) for name in names]


def rvtools_enrichment(table: Table) -> dict[str, VmExtras]:
    """What vNetwork and vDisk add to each VM of an RVTools workbook, by VM name; {} for other files."""
    extras: defaultdict[str, VmExtras] = defaultdict(VmExtras)
    network = _sheet(table, "vNetwork") if table.file_type == "xlsx" else None
    if network is not None:
        with table.open_sheet(network) as sheet:
            vm, mac, ipv4, ipv6 = _columns(sheet.headers, "vm", "macaddress", "ipv4address", "ipv6address")
            if vm is not None:
                for _, cells in sheet.iter_rows():
                    found = extras[cells[vm]]
                    if mac is not None and cells[mac].strip():
                        try:
                            found.mac_address.append(normalise_mac(cells[mac]))
                        except TransformError:
                            pass  # an unreadable MAC in an enrichment tab is left out, not fatal
                    for column in (ipv4, ipv6):
                        if column is not None:
                            found.ip_address.extend(split_list(cells[column]))
    disks = _sheet(table, "vDisk") if table.file_type == "xlsx" else None
    if disks is not None:
        with table.open_sheet(disks) as sheet:
            vm, mib, mb = _columns(sheet.headers, "vm", "capacitymib", "capacitymb")
            capacity = mib if mib is not None else mb
            if vm is not None:
                for _, cells in sheet.iter_rows():
                    found = extras[cells[vm]]
                    found.disk_count += 1
                    if capacity is not None and cells[capacity].strip():
                        try:
                            found.storage_gb = round(found.storage_gb + parse_number(cells[capacity]) / 1024, 3)
                        except TransformError:
                            pass  # as above: an unreadable capacity adds nothing
    return dict(extras)
