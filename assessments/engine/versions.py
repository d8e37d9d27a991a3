"""Version parsing (skeleton: rules follow)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProductVersion:
    product: str
    version: str | None
    label: str
    category: str


def parse_component(text: str | None) -> ProductVersion | None:
    raise NotImplementedError


def parse_os(os_name: str | None, os_version: str | None = None) -> ProductVersion | None:
    raise NotImplementedError


def compare_versions(a: str, b: str) -> int:
    raise NotImplementedError
