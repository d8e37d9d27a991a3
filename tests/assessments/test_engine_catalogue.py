"""The dated end-of-life catalogue: the vendors' dates, their sources, and how a version finds its line."""

from __future__ import annotations

from datetime import date

import pytest

from assessments.engine.catalogue import catalogue_date, lookup, products


@pytest.mark.parametrize(
    ("product", "version", "end_of_support"),
    [
        ("windows_server", "2003", "2015-07-14"),
        ("windows_server", "2008", "2020-01-14"),
        ("windows_server", "2008.2", "2020-01-14"),
        ("windows_server", "2012", "2023-10-10"),
        ("windows_server", "2012.2", "2023-10-10"),
        ("windows_server", "2016", "2027-01-12"),
        ("windows_server", "2019", "2029-01-09"),
        ("rhel", "6", "2020-11-30"),
        ("rhel", "7", "2024-06-30"),
        ("rhel", "8", "2029-05-31"),
        ("centos", "7", "2024-06-30"),
        ("centos", "8", "2021-12-31"),
        ("ubuntu", "18.04", "2023-05-31"),
        ("ubuntu", "20.04", "2025-05-31"),
        ("sql_server", "2008.2", "2019-07-09"),
        ("sql_server", "2012", "2022-07-12"),
        ("sql_server", "2014", "2024-07-09"),
        ("oracle_db", "11.2", "2015-01-31"),
        ("java", "8", "2022-03-31"),
        ("java", "11", "2023-09-30"),
        ("python", "2.7", "2020-01-01"),
        ("nodejs", "16", "2023-09-11"),
        ("dotnet", "6", "2024-11-12"),
        ("dotnet_framework", "4.5.2", "2022-04-26"),
        ("postgresql", "11", "2023-11-09"),
        ("mysql", "5.7", "2023-10-31"),
        ("tomcat", "7", "2021-03-31"),
        ("tomcat", "8.5", "2024-03-31"),
        ("angularjs", "1", "2021-12-31"),
        ("struts", "1", "2013-04-05"),
    ],
)
def test_the_catalogue_has_the_vendors_dates(product: str, version: str, end_of_support: str) -> None:
    entry = lookup(product, version)

    assert entry is not None
    assert entry.end_of_support == date.fromisoformat(end_of_support)


def test_paid_extended_support_is_kept_apart() -> None:
    rhel7 = lookup("rhel", "7")
    windows2012r2 = lookup("windows_server", "2012.2")

    assert rhel7 is not None and rhel7.extended_support == date(2028, 6, 30)
    assert windows2012r2 is not None and windows2012r2.extended_support == date(2026, 10, 13)


def test_the_catalogue_is_dated_and_every_product_names_its_source() -> None:
    assert catalogue_date() == date(2025, 6, 1)
    every = products()
    for family in ("windows_server", "rhel", "centos", "ubuntu", "sles", "debian", "oracle_linux", "aix", "solaris"):
        assert every[family], family
    for family in ("oracle_db", "sql_server", "postgresql", "mysql", "mariadb", "mongodb", "db2"):
        assert every[family], family
    for family in ("java", "dotnet_framework", "dotnet", "python", "nodejs", "php", "tomcat", "weblogic"):
        assert every[family], family
    for family in ("websphere", "jboss_eap", "iis", "apache_httpd", "spring", "struts", "angularjs"):
        assert every[family], family
    assert all(entries[0].source.strip() for entries in every.values() if entries)


@pytest.mark.parametrize(
    ("product", "version", "cycle"),
    [
        ("rhel", "7.9", "7"),  # the release line it belongs to
        ("tomcat", "9.0.65", "9"),
        ("tomcat", "10.0.27", "10.0"),
        ("dotnet_framework", "4.7.2", "4.7"),
        ("tomcat", "10", "10.1"),  # less precise than the lines: the latest line under it
        ("weblogic", "12", "12.2"),
        ("oracle_db", "11", "11.2"),
    ],
)
def test_a_version_finds_its_release_line(product: str, version: str, cycle: str) -> None:
    entry = lookup(product, version)

    assert entry is not None
    assert entry.cycle == cycle


@pytest.mark.parametrize(("product", "version"), [("java", None), ("java", "99"), ("nginx", "1.18"), ("cobol", "85")])
def test_what_the_catalogue_does_not_know_is_none(product: str, version: str | None) -> None:
    assert lookup(product, version) is None
