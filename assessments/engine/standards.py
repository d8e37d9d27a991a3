"""Default architecture standards: the minimum and recommended release of each component an engagement uses.

An engagement starts with these and edits them. ``component`` is a catalogue product key (see ``versions``);
a stack entry is compared with the standard of its own product, and RHEL-compatible distributions (CentOS,
Oracle Linux, Rocky, AlmaLinux) with the RHEL standard by major release. Tech debt reports a component below
its minimum (``below_minimum``) or below the recommended release (``below_recommended``).
"""

from __future__ import annotations

from .facts import Standard

DEFAULT_STANDARDS: tuple[Standard, ...] = (
    Standard("windows_server", "Windows Server", "os", "2019", "2022"),
    Standard("rhel", "Red Hat Enterprise Linux", "os", "8", "9"),
    Standard("ubuntu", "Ubuntu", "os", "22.04", "24.04"),
    Standard("sles", "SUSE Linux Enterprise Server", "os", "15", "15"),
    Standard("debian", "Debian", "os", "11", "12"),
    Standard("java", "Java", "runtime", "17", "21"),
    Standard("dotnet", ".NET", "runtime", "8", "8"),
    Standard("nodejs", "Node.js", "runtime", "20", "22"),
    Standard("python", "Python", "language", "3.11", "3.12"),
    Standard("php", "PHP", "language", "8.2", "8.3"),
    Standard("postgresql", "PostgreSQL", "database", "14", "16"),
    Standard("sql_server", "SQL Server", "database", "2019", "2022"),
    Standard("oracle_db", "Oracle Database", "database", "19", "19"),
    Standard("mysql", "MySQL", "database", "8.0", "8.4"),
    Standard("mariadb", "MariaDB", "database", "10.11", "11.4"),
    Standard("mongodb", "MongoDB", "database", "6.0", "7.0"),
    Standard("tomcat", "Tomcat", "middleware", "10", "10.1"),
    Standard("iis", "IIS", "middleware", "10", "10"),
    Standard("jboss_eap", "JBoss EAP", "middleware", "7.4", "8"),
    Standard("spring", "Spring Framework", "framework", "6.0", "6.1"),
    Standard("spring_boot", "Spring Boot", "framework", "3.0", "3.3"),
)

# Products judged against another product's standard (same release numbering).
STANDARD_OF: dict[str, str] = {"centos": "rhel", "oracle_linux": "rhel", "rocky": "rhel", "almalinux": "rhel"}
# Products that fall short of a successor's standard whatever their version (the standard names the successor).
SUPERSEDED_BY: dict[str, str] = {"dotnet_framework": "dotnet", "aspnet_webforms": "dotnet", "windows": "windows_server"}


def standards_by_component(standards: list[Standard] | tuple[Standard, ...]) -> dict[str, Standard]:
    return {standard.component: standard for standard in standards}
