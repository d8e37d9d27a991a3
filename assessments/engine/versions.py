"""Reading product names and versions out of free text, and comparing versions.

Inventories write the same thing many ways: "Java 8", "jdk1.8.0_251", "Oracle 11g", "SQL Server 2012",
"Windows Server 2008 R2", "Microsoft Windows Server 2016 (64-bit)", "RHEL 7.9", ".NET Framework 4.5",
"WebLogic 12c". ``parse_component`` finds the product (a catalogue key such as ``java``, ``windows_server``,
``oracle_db``) by its known names, then the first version after the name, normalised per product:

- Java "1.x" is Java x ("jdk1.8" is Java 8);
- Oracle's letter suffixes drop ("11g" is 11, "19c" is 19; "11gR2" is 11.2); WebLogic 11g is 10.3;
- Microsoft's "R2" releases sort just after their base release ("2008 R2" is 2008.2, shown "2008 R2");
- Windows kernel numbers in an OS version field are mapped to releases ("6.1" is 2008 R2, "10.0.17763" 2019).

Versions compare numerically part by part, missing parts counting as zero ("8" == "8.0" < "8.0.1" < "11").
A text naming no known product gives ``None``: the engine then says the fact is unknown, it never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class ProductVersion:
    product: str
    version: str | None
    label: str
    category: str

    @property
    def display(self) -> str:
        """The product and version as a person writes them ("Windows Server 2008 R2", "Java 8")."""
        if not self.version:
            return self.label
        return f"{self.label} {display_version(self.product, self.version)}"


# (product key, label, category, name pattern). Order matters: the more specific names come first
# ("oracle linux" before "oracle", "spring boot" before "spring", ".net framework" before ".net").
_PRODUCTS: tuple[tuple[str, str, str, str], ...] = (
    # operating systems
    ("windows_server", "Windows Server", "os", r"windows\s*(?:server|srv)|windows\s+(?=20\d\d)|\bwin\s*(?=20\d\d)"),
    ("windows", "Windows", "os", r"\bwindows\b(?!\s*server)"),
    ("rhel", "Red Hat Enterprise Linux", "os", r"red\s*hat(?:\s+enterprise)?(?:\s+linux)?|\brhel\b"),
    ("centos", "CentOS", "os", r"\bcent\s*os\b"),
    ("rocky", "Rocky Linux", "os", r"\brocky(?:\s+linux)?\b"),
    ("almalinux", "AlmaLinux", "os", r"\balma\s*linux\b"),
    ("oracle_linux", "Oracle Linux", "os", r"oracle\s+(?:enterprise\s+)?linux|\bol\s*(?=\d)"),
    ("ubuntu", "Ubuntu", "os", r"\bubuntu\b"),
    ("sles", "SUSE Linux Enterprise Server", "os", r"\bsles\b|suse(?:\s+linux)?(?:\s+enterprise)?(?:\s+server)?"),
    ("debian", "Debian", "os", r"\bdebian\b"),
    ("aix", "AIX", "os", r"\baix\b"),
    ("solaris", "Solaris", "os", r"\bsolaris\b|\bsunos\b"),
    ("hpux", "HP-UX", "os", r"\bhp-?ux\b"),
    ("zos", "z/OS", "os", r"\bz/?os\b|\bmainframe\b|\bmvs\b"),
    ("ibmi", "IBM i", "os", r"\bibm\s*i\b|\bos/?400\b|\bas/?400\b|\biseries\b"),
    # databases
    ("sql_server", "SQL Server", "database", r"(?:ms|microsoft)?\s*sql\s*server|\bmssql\b"),
    (
        "oracle_db",
        "Oracle Database",
        "database",
        r"\boracle(?:\s+database|\s+db|\s+rdbms)?\b(?!\s*(?:linux|weblogic|e-business|ebs|peoplesoft|jd|fusion|http|java))",
    ),
    ("postgresql", "PostgreSQL", "database", r"\bpostgres(?:ql)?\b|\bpgsql\b"),
    ("mysql", "MySQL", "database", r"\bmysql\b"),
    ("mariadb", "MariaDB", "database", r"\bmaria\s*db\b"),
    ("mongodb", "MongoDB", "database", r"\bmongo\s*(?:db)?\b"),
    ("db2", "Db2", "database", r"\bdb2\b"),
    ("sybase", "SAP ASE (Sybase)", "database", r"\bsybase\b|\bsap\s+ase\b"),
    # middleware (before runtimes: "JBoss EAP" must not read as Java)
    ("weblogic", "WebLogic", "middleware", r"(?:oracle\s+)?web\s*logic"),
    ("websphere", "WebSphere Application Server", "middleware", r"web\s*sphere|\bwas\s+(?=\d)"),
    ("jboss_eap", "JBoss EAP", "middleware", r"\bjboss(?:\s+eap)?\b|\bwildfly\b|\bred\s*hat\s+eap\b"),
    ("tomcat", "Tomcat", "middleware", r"\btomcat\b"),
    ("iis", "IIS", "middleware", r"\biis\b|internet\s+information\s+serv"),
    (
        "apache_httpd",
        "Apache HTTP Server",
        "middleware",
        r"apache\s*(?:http\s*(?:server|d)?|web\s*server)|\bhttpd\b|^apache(?=\s+\d|\s*$)",
    ),
    ("nginx", "nginx", "middleware", r"\bnginx\b"),
    # frameworks
    ("spring_boot", "Spring Boot", "framework", r"spring[\s-]*boot"),
    ("spring", "Spring Framework", "framework", r"\bspring(?:\s+framework|\s+mvc)?\b"),
    ("struts", "Struts", "framework", r"\bstruts\b"),
    ("angularjs", "AngularJS", "framework", r"\bangular\s*\.?js\b|\bangular\s+1(?:\.\d+)*\b"),
    ("aspnet_webforms", "ASP.NET Web Forms", "framework", r"web\s*forms"),
    # runtimes and languages
    ("dotnet_framework", ".NET Framework", "runtime", r"\.net\s*(?:framework|fx)|\bnet\s*framework\b|\bnetfx\b"),
    ("dotnet", ".NET", "runtime", r"asp\.net\s*core|(?<!asp)\.net(?:\s*core)?\b|\bdotnet(?:\s*core)?\b"),
    ("java", "Java", "runtime", r"\bjava(?:\s*se)?\b|\bjdk\s*|\bjre\s*|\bopenjdk\b"),
    ("nodejs", "Node.js", "runtime", r"\bnode(?:\.?js)?\b"),
    ("python", "Python", "language", r"\bpython\b"),
    ("php", "PHP", "language", r"\bphp\b"),
)
_COMPILED = tuple((key, label, cat, re.compile(pattern, re.IGNORECASE)) for key, label, cat, pattern in _PRODUCTS)
PRODUCT_LABELS: dict[str, str] = {key: label for key, label, _, _ in _PRODUCTS}
PRODUCT_CATEGORIES: dict[str, str] = {key: cat for key, _, cat, _ in _PRODUCTS}

_VERSION = re.compile(r"(?<![\w.])v?(\d+(?:\.\d+)*)(?:\s*(r2|[gc]\b|gr2|sp\s*\d+))?", re.IGNORECASE)
# Build numbers that some inventories put in the OS or database version field instead of the release.
_KERNEL_RELEASES: dict[str, dict[str, str]] = {
    "windows_server": {
        "5.2": "2003",
        "6.0": "2008",
        "6.1": "2008.2",
        "6.2": "2012",
        "6.3": "2012.2",
        "10.0.14393": "2016",
        "10.0.17763": "2019",
        "10.0.20348": "2022",
        "10.0.26100": "2025",
    },
    "sql_server": {
        "9.0": "2005",
        "10.0": "2008",
        "10.50": "2008.2",
        "11.0": "2012",
        "12.0": "2014",
        "13.0": "2016",
        "14.0": "2017",
        "15.0": "2019",
        "16.0": "2022",
    },
}
_WINDOWS_CLIENT = {"xp": "5.1", "vista": "6.0"}
_WINDOWS_CLIENT_NAMES = {"5.1": "XP", "6.0": "Vista"}
_YEAR_RELEASES = {"windows_server", "sql_server"}


def _normalise(product: str, number: str, suffix: str) -> str | None:
    suffix = suffix.lower().replace(" ", "")
    if product == "java" and number.startswith("1.") and number.count(".") >= 1:
        return number.split(".")[1]  # "1.8.0_251" -> "8"
    if product in _YEAR_RELEASES:
        if len(number) == 4 and number.isdigit():
            return f"{number}.2" if suffix == "r2" else number
        kernels = _KERNEL_RELEASES[product]
        parts = number.split(".")
        for width in (3, 2):
            release = kernels.get(".".join(parts[:width]))
            if release and len(parts) >= width:
                return release
        return None  # "Windows Server 64" or an unknown build: no release named
    if product == "oracle_db" and suffix == "gr2" and "." not in number:
        return f"{number}.2"
    if product == "weblogic" and number.split(".")[0] == "11" and suffix.startswith("g"):
        return "10.3"  # WebLogic 11g is release 10.3.x
    return number


def display_version(product: str, version: str) -> str:
    """Show a normalised version the vendor's way ("2008.2" as "2008 R2", Oracle "19" as "19c")."""
    if product in _YEAR_RELEASES and len(version) == 6 and version.endswith(".2"):
        return f"{version[:4]} R2"
    if product == "windows" and version in _WINDOWS_CLIENT_NAMES:
        return _WINDOWS_CLIENT_NAMES[version]
    if product == "weblogic":
        major = version.split(".")[0]
        generation = {"10": "11g", "12": "12c", "14": "14c"}.get(major)
        return f"{generation} ({version})" if generation and version != major else generation or version
    if product == "oracle_db":
        major, _, rest = version.partition(".")
        suffix = {"8": "i", "9": "i", "10": "g", "11": "g", "12": "c", "18": "c", "19": "c", "21": "c", "23": "ai"}
        if major in suffix:
            return f"{major}{suffix[major]}" + (f" ({version})" if rest else "")
    return version


def _first_version(product: str, text: str) -> str | None:
    for match in _VERSION.finditer(text):
        after = text[match.end() : match.end() + 4]
        if after.startswith(("-bit", " bit")):
            continue  # "(64-bit)" is an architecture, not a version
        version = _normalise(product, match.group(1), match.group(2) or "")
        if version:
            return version
    return None


@lru_cache(maxsize=65536)
def parse_component(text: str | None) -> ProductVersion | None:
    """The product and version a free-text stack entry names, or None when it names no known product."""
    if not text or not text.strip():
        return None
    raw = text.strip()
    lowered = raw.lower().replace("_", " ")
    lowered = re.sub(r"\bx86[ -]?64\b|\bamd64\b|\bx64\b|\bi[3-6]86\b|\b(?:32|64)[ -]?bit\b", " ", lowered)
    lowered = re.sub(r"\bwin\s*2k(\d+)", lambda m: f"windows server 20{int(m.group(1)):02d}", lowered)
    lowered = re.sub(r"\bw2k(\d+)", lambda m: f"windows server 20{int(m.group(1)):02d}", lowered)
    for key, label, category, pattern in _COMPILED:
        match = pattern.search(lowered)
        if not match:
            continue
        rest = lowered[match.end() :] if key != "java" else lowered[match.start() :]
        if key == "java":
            rest = re.sub(r"^(?:java(?:\s*se)?|openjdk|jdk|jre)\s*", "", rest)
        if key == "windows":
            client = next((v for name, v in _WINDOWS_CLIENT.items() if re.search(rf"\b{name}\b", rest)), None)
            return ProductVersion(key, client or _first_version(key, rest), label, category)
        if key == "angularjs":
            return ProductVersion(key, "1", label, category)
        if key == "aspnet_webforms":
            return ProductVersion(key, None, label, category)
        return ProductVersion(key, _first_version(key, rest), label, category)
    return None


@lru_cache(maxsize=65536)
def parse_os(os_name: str | None, os_version: str | None = None) -> ProductVersion | None:
    """The operating system a server's OS name and version fields describe.

    The version comes from the name when it carries one ("Windows Server 2008 R2"), else from the version
    field ("RHEL" + "7.9"; "Windows Server" + "6.1.7601" is 2008 R2 by its kernel number)."""
    parsed = parse_component(os_name) if os_name else None
    if parsed is None and os_version:
        parsed = parse_component(os_version)
        if parsed is not None and parsed.category != "os":
            parsed = None
    if parsed is None or parsed.category != "os":
        return None
    if parsed.version is None and os_version:
        version = _first_version(parsed.product, os_version.lower())
        if version:
            parsed = ProductVersion(parsed.product, version, parsed.label, parsed.category)
    return parsed


def version_key(version: str) -> tuple[int, ...]:
    """A version as a tuple of numbers, trailing zeros removed so "8" and "8.0" are equal."""
    parts = [int(p) for p in re.findall(r"\d+", version)]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def compare_versions(a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` is older than, the same as or newer than ``b`` ("8" < "11" < "11.0.2")."""
    ka, kb = version_key(a), version_key(b)
    return (ka > kb) - (ka < kb)


def normalise_version(product: str, text: str) -> str | None:
    """A version written by a person for a product ("19c", "2008 R2", "1.8") in the engine's form."""
    return _first_version(product, text.lower())
