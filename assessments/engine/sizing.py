"""Sizing a server on the target cloud from a bundled, dated price list (``assessments/data/prices_<cloud>.json``).

Rules:
- What the server needs: performance-based where utilisation is known, else as provisioned.
  CPU: provisioned cores x peak utilisation (the average when no peak is known) x 1.3 headroom, at least one
  vCPU. Memory: the peak memory used (else provisioned memory x average utilisation) x 1.3 headroom, at least
  1 GiB. A dimension without utilisation is taken as provisioned (cores count as vCPUs, one for one).
- The basis is ``performance`` when utilisation sized at least one dimension, ``provisioned`` when only the
  configured size was known, ``none`` when neither CPU nor memory is known (no instance is proposed).
- The cheapest instance type in the list with at least the vCPUs and memory needed wins (ties: fewer vCPUs).
  Burstable types (t3, B, shared-core e2) only for servers whose measured average CPU is at most 20% and peak
  at most 40%: an unmeasured load is never put on a burstable type.
- Windows servers add the cloud's Windows licence per vCPU-hour, and every server its storage (provisioned GB)
  at the list's block-storage price per GB-month (gp3, Standard SSD, balanced persistent disk).
- Prices are on-demand list prices in USD for the cloud's default region (aws us-east-1, azure eastus,
  gcp us-central1), 730 hours a month, as of the list's date: an estimate to compare options, not a quote.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .facts import ServerFacts

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
HEADROOM = 1.3
BURSTABLE_MAX_AVG_CPU = 20.0
BURSTABLE_MAX_PEAK_CPU = 40.0
SIZED_ASSET_TYPES = {None, "server", "database"}


@dataclass(frozen=True, slots=True)
class InstanceType:
    name: str
    family: str
    vcpu: int
    memory_gb: float
    monthly_usd: float
    burstable: bool


@dataclass(frozen=True, slots=True)
class PriceList:
    cloud: str
    region: str
    currency: str
    as_of: date
    source: str
    windows_licence_per_vcpu_hour: float
    hours_per_month: int
    storage_name: str
    storage_per_gb_month: float
    instance_types: tuple[InstanceType, ...]  # cheapest first
    largest_vcpu: int
    largest_memory_gb: float


@dataclass(frozen=True, slots=True)
class Sizing:
    instance_type: str | None
    vcpu: int | None
    memory_gb: float | None
    monthly_cost: float | None
    basis: str
    reason: str
    price_list_date: date | None = None


@cache
def price_list(cloud: str) -> PriceList:
    """The bundled price list of a cloud (aws, azure or gcp)."""
    path = DATA_DIR / f"prices_{cloud}.json"
    if not path.is_file():
        raise ValueError(f"No price list for cloud {cloud!r}: expected one of aws, azure, gcp")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    types = tuple(
        sorted(
            (
                InstanceType(
                    name=item["type"],
                    family=item["family"],
                    vcpu=int(item["vcpu"]),
                    memory_gb=float(item["memory_gb"]),
                    monthly_usd=float(item["monthly_usd"]),
                    burstable=bool(item.get("burstable", False)),
                )
                for item in document["instance_types"]
            ),
            key=lambda t: (t.monthly_usd, t.vcpu, t.memory_gb, t.name),
        )
    )
    return PriceList(
        cloud=cloud,
        region=document["region"],
        currency=document["currency"],
        as_of=date.fromisoformat(document["as_of"]),
        source=document["source"],
        windows_licence_per_vcpu_hour=float(document["windows_licence_per_vcpu_hour"]),
        hours_per_month=int(document["hours_per_month"]),
        storage_name=document["block_storage"]["name"],
        storage_per_gb_month=float(document["block_storage"]["per_gb_month"]),
        instance_types=types,
        largest_vcpu=max(t.vcpu for t in types),
        largest_memory_gb=max(t.memory_gb for t in types),
    )


def price_list_date(cloud: str) -> date:
    return price_list(cloud).as_of


@lru_cache(maxsize=65536)
def cheapest_fit(cloud: str, vcpu: int, memory_gb: float, allow_burstable: bool) -> InstanceType | None:
    """The cheapest type with at least ``vcpu`` vCPUs and ``memory_gb`` GiB, or None when none is that large."""
    for instance in price_list(cloud).instance_types:
        if instance.vcpu >= vcpu and instance.memory_gb >= memory_gb and (allow_burstable or not instance.burstable):
            return instance
    return None


def is_windows(server: ServerFacts) -> bool:
    return server.os_family == "windows" or "windows" in (server.os_name or "").lower()


def required_size(server: ServerFacts) -> tuple[int | None, float | None, str, list[str]]:
    """(vCPUs, GiB, basis, notes) the server needs on the cloud, per the rules above."""
    notes: list[str] = []
    performance = False
    vcpu: int | None = None
    cores = server.cpu_cores if server.cpu_cores and server.cpu_cores > 0 else None
    cpu_peak = server.cpu_util_max_pct if server.cpu_util_max_pct is not None else server.cpu_util_avg_pct
    if cores is not None and cpu_peak is not None:
        vcpu = max(1, math.ceil(cores * min(cpu_peak, 100.0) / 100.0 * HEADROOM))
        which = "peak" if server.cpu_util_max_pct is not None else "average"
        notes.append(f"{cores} cores at {cpu_peak:g}% {which} CPU")
        performance = True
    elif cores is not None:
        vcpu = cores
        notes.append(f"{cores} cores as provisioned")
    memory_gb: float | None = None
    provisioned_gb = server.memory_mb / 1024 if server.memory_mb and server.memory_mb > 0 else None
    if server.memory_used_max_mb is not None and server.memory_used_max_mb > 0:
        memory_gb = max(1.0, server.memory_used_max_mb / 1024 * HEADROOM)
        notes.append(f"{server.memory_used_max_mb / 1024:.1f} GiB peak memory used")
        performance = True
    elif provisioned_gb is not None and server.memory_util_avg_pct is not None:
        memory_gb = max(1.0, provisioned_gb * min(server.memory_util_avg_pct, 100.0) / 100.0 * HEADROOM)
        notes.append(f"{provisioned_gb:g} GiB at {server.memory_util_avg_pct:g}% average memory")
        performance = True
    elif provisioned_gb is not None:
        memory_gb = provisioned_gb
        notes.append(f"{provisioned_gb:g} GiB as provisioned")
    if vcpu is None and memory_gb is None:
        return None, None, "none", notes
    return vcpu, memory_gb, "performance" if performance else "provisioned", notes


def size_server(server: ServerFacts, cloud: str) -> Sizing:
    """The cheapest instance type on ``cloud`` that fits the server, with its monthly cost (see the rules)."""
    prices = price_list(cloud)
    if server.asset_type not in SIZED_ASSET_TYPES:
        return Sizing(None, None, None, None, "none", f"A {server.asset_type} is not sized as a VM", prices.as_of)
    vcpu, memory_gb, basis, notes = required_size(server)
    if basis == "none":
        return Sizing(None, None, None, None, "none", "No CPU or memory figures to size it on", prices.as_of)
    need_vcpu = vcpu or 1
    need_gb = math.ceil((memory_gb or 0.5) * 2) / 2  # half-GiB steps keep the cache small
    avg, peak = server.cpu_util_avg_pct, server.cpu_util_max_pct
    burstable = (
        basis == "performance"
        and avg is not None
        and avg <= BURSTABLE_MAX_AVG_CPU
        and (peak is None or peak <= BURSTABLE_MAX_PEAK_CPU)
    )
    instance = cheapest_fit(cloud, need_vcpu, need_gb, burstable)
    needs = f"needs {need_vcpu} vCPU and {need_gb:g} GiB ({'; '.join(notes)}; {basis}-based"
    needs += f", {int((HEADROOM - 1) * 100)}% headroom)" if basis == "performance" else ")"
    if instance is None:
        return Sizing(
            None,
            need_vcpu,
            need_gb,
            None,
            basis,
            f"No instance type that large in the {cloud} price list: {needs}; the largest has "
            f"{prices.largest_vcpu} vCPU and {prices.largest_memory_gb:g} GiB",
            prices.as_of,
        )
    monthly = instance.monthly_usd
    extras = []
    if is_windows(server):
        monthly += instance.vcpu * prices.windows_licence_per_vcpu_hour * prices.hours_per_month
        extras.append("the Windows licence")
    if server.storage_gb and server.storage_gb > 0:
        monthly += server.storage_gb * prices.storage_per_gb_month
        extras.append(f"{server.storage_gb:,.0f} GB of {prices.storage_name}")
    licence = f" including {' and '.join(extras)}" if extras else ""
    return Sizing(
        instance.name,
        instance.vcpu,
        instance.memory_gb,
        round(monthly, 2),
        basis,
        f"{instance.name} ({instance.vcpu} vCPU, {instance.memory_gb:g} GiB) is the cheapest type that fits: {needs}; "
        f"{prices.currency} {monthly:,.2f} a month on demand in {prices.region}{licence}, prices of {prices.as_of}",
        prices.as_of,
    )
