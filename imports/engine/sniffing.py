"""What a column's sample values look like: addresses, operating systems, numbers and their units.

The mapping engine reads a profile of at most `SAMPLE_VALUES` non-empty values per column; it uses it to
map a column whose header says nothing ("values look like IPv4 addresses"), and to choose a transform
where the header leaves it open (a unit written in the cells, decimal commas, host names given as FQDNs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from imports.engine.headers import squash
from imports.engine.transforms import (
    TransformError,
    decimal_separator,
    ip_version,
    is_mac,
    number_and_unit,
    split_list,
)
from imports.engine.vocabularies import VOCABULARIES

SAMPLE_VALUES: Final = 200

_FQDN = re.compile(r"^(?=.{4,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z][a-zA-Z0-9-]{1,62}$")
_OS = re.compile(
    r"\b(?:windows|win\s*20\d\d|linux|ubuntu|debian|red\s*hat|rhel|centos|rocky|almalinux|suse|sles|oracle\s+linux"
    r"|fedora|amazon\s+linux|aix|solaris|sunos|hp-?ux|freebsd|openbsd|esxi|unix|z/os|macos|mac\s+os)\b",
    re.IGNORECASE,
)
_POWER_STATES: Final = frozenset(
    {"poweredon", "poweredoff", "suspended", "running", "stopped", "deallocated", "terminated", "paused"}
)
_LIST_SEPARATORS = re.compile(r"[,;\n]")


def _share(values: list[str], test: Iterable[bool]) -> float:
    return sum(test) / len(values) if values else 0.0


@dataclass(frozen=True, slots=True)
class ValueProfile:
    count: int
    ipv4: float = 0.0
    ipv6: float = 0.0
    mac: float = 0.0
    os: float = 0.0
    fqdn: float = 0.0
    power_state: float = 0.0
    environment: float = 0.0
    numeric: float = 0.0
    # Numbers are written with a decimal comma ("3,5") and never with a decimal point.
    decimal_comma: bool = False
    # The unit written after every number ("16 GB"), when they all agree.
    unit: str | None = None
    # Several units written after the numbers ("500 GB", "1.5 TB"): no one transform fits them all.
    mixed_units: tuple[str, ...] = ()
    numbers: tuple[float, ...] = ()

    @property
    def looks_like_gigabytes(self) -> bool:
        """All below 2048 and mostly powers of two: memory given in GB (asset-fields.md)."""
        if not self.numbers or self.numeric < 0.8:
            return False
        powers = sum(1 for n in self.numbers if n >= 1 and n.is_integer() and int(n) & (int(n) - 1) == 0)
        return max(self.numbers) < 2048 and powers / len(self.numbers) >= 0.6


EMPTY_PROFILE: Final = ValueProfile(0)


def profile(values: Iterable[str]) -> ValueProfile:
    """Profile up to SAMPLE_VALUES non-empty values."""
    sample: list[str] = []
    for value in values:
        value = value.strip()
        if value:
            sample.append(value)
            if len(sample) == SAMPLE_VALUES:
                break
    if not sample:
        return EMPTY_PROFILE
    items = [split_list(v) if _LIST_SEPARATORS.search(v) else [v] for v in sample]
    numbers: list[float] = []
    units: set[str | None] = set()
    separators: list[str | None] = []
    for value in sample:
        try:
            number, unit = number_and_unit(value)
        except TransformError:
            continue
        numbers.append(number)
        units.add(unit)
        separators.append(decimal_separator(value))
    unit = next(iter(units)) if len(units) == 1 else None
    written = sorted(u for u in units if u is not None)
    environment = VOCABULARIES["environment"]
    return ValueProfile(
        count=len(sample),
        ipv4=_share(sample, (all(ip_version(i) == 4 for i in its) for its in items)),
        ipv6=_share(sample, (all(ip_version(i) == 6 for i in its) for its in items)),
        mac=_share(sample, (all(is_mac(i) for i in its) for its in items)),
        os=_share(sample, (_OS.search(v) is not None for v in sample)),
        fqdn=_share(sample, (_FQDN.match(v) is not None and ip_version(v) is None for v in sample)),
        power_state=_share(sample, (squash(v) in _POWER_STATES for v in sample)),
        # Single letters ("P", "D") say too little to take a column for an environment.
        environment=_share(sample, (len(v) > 1 and environment.match(v) is not None for v in sample)),
        numeric=len(numbers) / len(sample),
        decimal_comma="," in separators and "." not in separators,
        unit=unit,
        mixed_units=tuple(written) if len(written) > 1 else (),
        numbers=tuple(numbers),
    )


# (share needed, field, what the values look like); the engine tries them in this order.
SNIFFERS: Final[tuple[tuple[str, str, str], ...]] = (
    ("ipv4", "ip_address", "IPv4 addresses"),
    ("ipv6", "ip_address", "IPv6 addresses"),
    ("mac", "mac_address", "MAC addresses"),
    ("os", "os_name", "operating system names"),
    ("fqdn", "fqdn", "domain names"),
    ("power_state", "power_state", "power states"),
    ("environment", "environment", "environments"),
)
SNIFF_SHARE: Final = 0.8


def sniffed(values: ValueProfile) -> list[tuple[str, float, str]]:
    """(field, share, description) for each asset field the values look like."""
    found = []
    for attribute, field, description in SNIFFERS:
        share = float(getattr(values, attribute))
        if share >= SNIFF_SHARE:
            found.append((field, share, description))
    if not found and values.ipv4 + values.ipv6 >= SNIFF_SHARE:
        found.append(("ip_address", values.ipv4 + values.ipv6, "IP addresses"))
    return found
