"""Reading products and versions out of the free text inventories hold, and comparing versions."""

from __future__ import annotations

import pytest

from assessments.engine.versions import compare_versions, parse_component, parse_os


@pytest.mark.parametrize(
    ("text", "product", "version", "shown"),
    [
        ("Java 8", "java", "8", "Java 8"),
        ("jdk1.8", "java", "8", "Java 8"),
        ("Java 1.8.0_251", "java", "8", "Java 8"),
        ("OpenJDK 17", "java", "17", "Java 17"),
        ("Oracle 11g", "oracle_db", "11", "Oracle Database 11g"),
        ("Oracle 11gR2", "oracle_db", "11.2", "Oracle Database 11g (11.2)"),
        ("Oracle 19c", "oracle_db", "19", "Oracle Database 19c"),
        ("SQL Server 2012", "sql_server", "2012", "SQL Server 2012"),
        ("Microsoft SQL Server 2008 R2", "sql_server", "2008.2", "SQL Server 2008 R2"),
        ("Windows Server 2008 R2", "windows_server", "2008.2", "Windows Server 2008 R2"),
        ("Microsoft Windows Server 2016 (64-bit)", "windows_server", "2016", "Windows Server 2016"),
        ("Red Hat Enterprise Linux 7 (64-bit)", "rhel", "7", "Red Hat Enterprise Linux 7"),
        ("RHEL 7.9", "rhel", "7.9", "Red Hat Enterprise Linux 7.9"),
        ("CentOS 6", "centos", "6", "CentOS 6"),
        ("Ubuntu 18.04", "ubuntu", "18.04", "Ubuntu 18.04"),
        ("SUSE Linux Enterprise Server 12 SP5", "sles", "12", "SUSE Linux Enterprise Server 12"),
        (".NET Framework 4.5", "dotnet_framework", "4.5", ".NET Framework 4.5"),
        ("C# (.NET Framework 4.5)", "dotnet_framework", "4.5", ".NET Framework 4.5"),
        (".NET 8", "dotnet", "8", ".NET 8"),
        (".NET Core 3.1", "dotnet", "3.1", ".NET 3.1"),
        ("Spring 4", "spring", "4", "Spring Framework 4"),
        ("Spring Boot 2.7", "spring_boot", "2.7", "Spring Boot 2.7"),
        ("Tomcat 7", "tomcat", "7", "Tomcat 7"),
        ("Apache Tomcat 9.0.65", "tomcat", "9.0.65", "Tomcat 9.0.65"),
        ("WebLogic 12c", "weblogic", "12", "WebLogic 12c"),
        ("WebLogic 11g", "weblogic", "10.3", "WebLogic 11g (10.3)"),
        ("Oracle WebLogic Server 12.2.1.4", "weblogic", "12.2.1.4", "WebLogic 12c (12.2.1.4)"),
        ("Windows XP", "windows", "5.1", "Windows XP"),
        ("Windows 10", "windows", "10", "Windows 10"),
        ("IIS 8.5", "iis", "8.5", "IIS 8.5"),
        ("PostgreSQL 13", "postgresql", "13", "PostgreSQL 13"),
        ("Python 2.7", "python", "2.7", "Python 2.7"),
        ("Apache Struts 2.5", "struts", "2.5", "Struts 2.5"),
        ("AngularJS 1.6", "angularjs", "1", "AngularJS 1"),
        ("Node.js 14", "nodejs", "14", "Node.js 14"),
        ("Apache HTTP Server 2.2", "apache_httpd", "2.2", "Apache HTTP Server 2.2"),
        ("JBoss EAP 6.4", "jboss_eap", "6.4", "JBoss EAP 6.4"),
        ("Windows 2008", "windows_server", "2008", "Windows Server 2008"),
    ],
)
def test_it_reads_the_product_and_version(text: str, product: str, version: str, shown: str) -> None:
    parsed = parse_component(text)

    assert parsed is not None
    assert (parsed.product, parsed.version, parsed.display) == (product, version, shown)


@pytest.mark.parametrize("text", ["COBOL", "", "   ", "Oracle E-Business Suite", "in-house framework"])
def test_it_says_nothing_about_what_it_does_not_know(text: str) -> None:
    assert parse_component(text) is None


def test_a_product_without_a_version_keeps_the_version_unknown() -> None:
    parsed = parse_component("Windows Server 64-bit")

    assert parsed is not None
    assert (parsed.product, parsed.version) == ("windows_server", None)


@pytest.mark.parametrize(
    ("name", "version", "expected"),
    [
        ("Microsoft Windows Server", "6.1.7601", ("windows_server", "2008.2")),
        ("Windows Server 2019 Datacenter", "10.0.17763", ("windows_server", "2019")),
        ("Microsoft Windows Server", "10.0.20348", ("windows_server", "2022")),
        ("Red Hat Enterprise Linux", "7.9", ("rhel", "7.9")),
        (None, "CentOS 7", ("centos", "7")),
        ("x86_64 CentOS 7", None, ("centos", "7")),
    ],
)
def test_an_os_is_read_from_its_name_and_version_fields(
    name: str | None, version: str | None, expected: tuple[str, str]
) -> None:
    parsed = parse_os(name, version)

    assert parsed is not None
    assert (parsed.product, parsed.version) == expected


def test_an_application_name_in_the_os_field_is_not_an_os() -> None:
    assert parse_os("PostgreSQL 13", None) is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("8", "11", -1),
        ("8", "8.0", 0),
        ("8.0.1", "8", 1),
        ("2008.2", "2008", 1),
        ("2012", "2008.2", 1),
        ("3.9", "3.10", -1),
    ],
)
def test_versions_compare_part_by_part(a: str, b: str, expected: int) -> None:
    assert compare_versions(a, b) == expected
