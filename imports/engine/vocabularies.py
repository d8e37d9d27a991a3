"""Normalisers for the vocabulary fields (environment, criticality, status, asset_type, ...).

A raw value is matched first as a whole (after folding case, accents and punctuation), then word by
word against rules tried in order, so that the specific wins over the general: "Non-Prod (Dev)" is
development before "Non-Prod" is test, and "Pre-Prod" is staging before "Prod" is production.
Results are cached: a 100,000-row file repeats a handful of distinct values.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[a-z]+|\d+")


def fold(text: str) -> str:
    """Lower-case `text` without accents ("Mémoire" -> "memoire", "Größe" -> "grosse")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> tuple[str, ...]:
    """The words and numbers of `text`, folded; letters and digits are split ("win2019" -> win, 2019)."""
    return tuple(_WORD.findall(fold(text)))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    name: str
    values: tuple[str, ...]
    # What an unrecognised value becomes; None where the vocabulary has no catch-all value.
    fallback: str | None
    # Whole values (words joined by one space) that mean a canonical value.
    exact: dict[str, str]
    # (phrases, canonical) tried in order; a phrase matches whole words anywhere in the value.
    rules: tuple[tuple[tuple[str, ...], str], ...]

    def match(self, raw: str) -> str | None:
        """The canonical value `raw` means, or None when nothing recognises it (fallback not applied)."""
        return _match(self.name, raw)

    def normalise(self, raw: str) -> str | None:
        """The canonical value, the fallback for an unrecognised value, or None for an empty one."""
        if not raw.strip():
            return None
        found = _match(self.name, raw)
        return found if found is not None else self.fallback


def _vocabulary(
    name: str,
    values: tuple[str, ...],
    rules: list[tuple[str, list[str]]],
    *,
    fallback: str | None = None,
    exact: dict[str, str] | None = None,
) -> Vocabulary:
    exact_map = {" ".join(words(k)): v for k, v in (exact or {}).items()}
    # Every canonical value also means itself ("saas_replaceable" as typed in an export of ours).
    exact_map.update({" ".join(words(v)): v for v in values})
    compiled = tuple((tuple(" ".join(words(p)) for p in phrases), canonical) for canonical, phrases in rules)
    for _, canonical in compiled:
        if canonical not in values:
            raise ValueError(f"vocabulary {name}: rule value {canonical!r} is not one of {values}")
    return Vocabulary(name, values, fallback, exact_map, compiled)


VOCABULARIES: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        _vocabulary(
            "environment",
            ("production", "staging", "test", "development", "dr", "unknown"),
            [
                ("dr", ["dr", "disaster recovery", "drp", "bcp", "reprise", "recuperacion", "ripristino"]),
                (
                    "development",
                    ["dev", "develop", "development", "sandbox", "sbx", "lab", "entwicklung", "developpement"]
                    + ["desarrollo", "sviluppo", "ontwikkeling", "desenvolvimento"],
                ),
                (
                    "test",
                    ["test", "tst", "testing", "tests", "qa", "uat", "sit", "acceptance", "quality", "abnahme"]
                    + ["recette", "prueba", "pruebas", "collaudo", "acceptatie", "teste", "homologacao"],
                ),
                (
                    "staging",
                    ["staging", "stage", "stg", "preprod", "pre prod", "pre production", "preproduction", "pprod"]
                    + ["pprd", "vorproduktion", "preproduccion", "preproduzione"],
                ),
                # "Non-Prod" without more detail (the rules above take "Non-Prod Dev").
                ("test", ["non prod", "nonprod", "non production", "nonproduction", "np"]),
                (
                    "production",
                    ["prod", "prd", "production", "live", "produktion", "produccion", "produzione", "productie"]
                    + ["producao"],
                ),
            ],
            fallback="unknown",
            exact={"p": "production"},
        ),
        _vocabulary(
            "criticality",
            ("critical", "high", "medium", "low"),
            [
                ("critical", ["mission critical", "tier 0", "tier 1", "t0", "t1", "p1", "very high", "sehr hoch"]),
                ("critical", ["tres eleve", "muy alto", "molto alto", "zeer hoog", "muito alto"]),
                # Microsoft's tiers: mission critical > business critical > business operational > administrative.
                ("high", ["business critical"]),
                ("medium", ["business operational"]),
                ("low", ["non critical", "not critical", "noncritical", "administrative"]),
                ("critical", ["critical", "crit", "kritisch", "critique", "critico", "kritiek", "vital"]),
                (
                    "high",
                    ["high", "hoch", "eleve", "elevee", "alto", "alta", "hoog", "elevado", "elevada", "tier 2"]
                    + ["t2", "p2", "important", "wichtig"],
                ),
                (
                    "medium",
                    ["medium", "med", "mittel", "moyen", "moyenne", "medio", "media", "gemiddeld", "midden"]
                    + ["moderate", "normal", "standard", "tier 3", "t3", "p3"],
                ),
                (
                    "low",
                    ["low", "niedrig", "gering", "faible", "bas", "basse", "bajo", "baja", "basso", "bassa", "laag"]
                    + ["baixo", "baixa", "minor", "tier 4", "tier 5", "t4", "t5", "p4"],
                ),
            ],
            exact={"1": "critical", "2": "high", "3": "medium", "4": "low"},
        ),
        _vocabulary(
            "status",
            ("active", "inactive", "retiring", "decommissioned", "unknown"),
            [
                (
                    "retiring",
                    ["retiring", "pending retirement", "to be retired", "to be decommissioned", "decommissioning"]
                    + ["pending decommission", "being decommissioned", "sunset", "sunsetting", "phase out", "eol"],
                ),
                (
                    "decommissioned",
                    ["decommissioned", "decom", "retired", "disposed", "removed", "deleted", "scrapped"]
                    + ["stillgelegt", "ausgemustert", "ausser betrieb", "retire", "desmantelado", "dismesso"]
                    + ["uit dienst", "descomissionado"],
                ),
                (
                    "inactive",
                    ["inactive", "not in use", "in stock", "on order", "pending install", "pending repair"]
                    + ["stolen", "absent", "disabled", "offline", "standby", "spare", "inaktiv", "inactif"]
                    + ["inactivo", "inattivo", "inactief", "inativo"],
                ),
                (
                    "active",
                    ["active", "installed", "in use", "operational", "live", "running", "in production"]
                    + ["in maintenance", "maintenance", "aktiv", "in betrieb", "actif", "en service", "activo"]
                    + ["en uso", "attivo", "in uso", "actief", "in gebruik", "ativo", "em uso"],
                ),
            ],
            fallback="unknown",
        ),
        _vocabulary(
            "asset_type",
            ("server", "database", "network_device", "storage", "load_balancer", "other"),
            [
                (
                    "load_balancer",
                    ["load balancer", "loadbalancer", "lb", "f5", "big ip", "bigip", "netscaler", "lastverteiler"]
                    + ["equilibreur de charge", "balanceador de carga", "bilanciatore"],
                ),
                (
                    "database",
                    ["database", "db", "dbms", "datenbank", "base de donnees", "base de datos", "banco de dados"]
                    + ["database server", "db instance"],
                ),
                (
                    "storage",
                    ["storage", "san", "nas", "storage array", "filer", "speicher", "stockage", "almacenamiento"]
                    + ["archiviazione", "opslag", "armazenamento"],
                ),
                (
                    "network_device",
                    ["network", "switch", "router", "firewall", "netgear", "access point", "wireless", "netzwerk"]
                    + ["reseau", "red", "rete", "netwerk", "rede"],
                ),
                (
                    "server",
                    ["server", "servers", "vm", "virtual machine", "host", "esx", "esxi", "hypervisor", "computer"]
                    + ["serveur", "servidor", "virtuelle maschine", "machine virtuelle", "maquina virtual"]
                    + ["macchina virtuale", "virtuele machine", "instance"],
                ),
            ],
            fallback="other",
        ),
        _vocabulary(
            "os_family",
            ("windows", "linux", "unix", "other"),
            [
                ("windows", ["windows", "win", "microsoft", "w2k", "win2k"]),
                (
                    "linux",
                    ["linux", "ubuntu", "debian", "red hat", "redhat", "rhel", "centos", "rocky", "alma"]
                    + ["almalinux", "suse", "sles", "opensuse", "oel", "fedora", "amzn", "coreos", "photon"]
                    + ["mint", "gentoo"],
                ),
                (
                    "unix",
                    ["aix", "solaris", "sunos", "hp ux", "hpux", "freebsd", "openbsd", "netbsd", "unix", "macos"]
                    + ["mac os", "os x", "osx", "darwin"],
                ),
            ],
            fallback="other",
        ),
        _vocabulary(
            "app_type",
            ("custom", "cots", "saas_replaceable"),
            [
                ("saas_replaceable", ["saas", "saas replaceable", "replace with saas", "saas candidate"]),
                (
                    "cots",
                    ["cots", "commercial", "off the shelf", "vendor", "package", "packaged", "third party"]
                    + ["3rd party", "standard software", "standardsoftware", "progiciel", "paquete", "pacchetto"]
                    + ["pakket"],
                ),
                (
                    "custom",
                    ["custom", "in house", "inhouse", "bespoke", "home grown", "homegrown", "proprietary"]
                    + ["eigenentwicklung", "individualsoftware", "specifique", "sur mesure", "a medida"]
                    + ["personalizado", "su misura", "maatwerk"],
                ),
            ],
        ),
        _vocabulary(
            "lifecycle",
            ("invest", "maintain", "sunset", "retire"),
            [
                (
                    "retire",
                    ["retire", "eliminate", "decommission", "retirement", "remove", "stilllegen", "retirer"]
                    + ["retirar", "dismettere"],
                ),
                # Gartner's TIME: Migrate means the current application is replaced, so it is sunset.
                ("sunset", ["sunset", "phase out", "phasing out", "migrate", "contain", "decline", "auslaufend"]),
                (
                    "maintain",
                    ["maintain", "tolerate", "sustain", "keep", "stable", "maintenance", "pflegen", "maintenir"]
                    + ["mantener", "mantenere", "onderhouden", "manter"],
                ),
                (
                    "invest",
                    ["invest", "grow", "strategic", "investieren", "investir", "invertir", "investire"]
                    + ["investeren"],
                ),
            ],
        ),
        _vocabulary(
            "data_classification",
            ("public", "internal", "confidential", "restricted"),
            [
                (
                    "restricted",
                    ["restricted", "strictly confidential", "highly confidential", "secret", "streng vertraulich"]
                    + ["geheim", "tres confidentiel", "secreto", "riservato", "strikt vertrouwelijk", "restrito"],
                ),
                (
                    "confidential",
                    ["confidential", "vertraulich", "confidentiel", "confidencial", "confidenziale"]
                    + ["vertrouwelijk"],
                ),
                ("internal", ["internal", "intern", "interne", "interno", "internal use"]),
                ("public", ["public", "offentlich", "publique", "publico", "pubblico", "openbaar"]),
            ],
        ),
    )
}


@lru_cache(maxsize=16384)
def _match(name: str, raw: str) -> str | None:
    vocabulary = VOCABULARIES[name]
    value_words = words(raw)
    if not value_words:
        return None
    joined = " ".join(value_words)
    if joined in vocabulary.exact:
        return vocabulary.exact[joined]
    padded = f" {joined} "
    for phrases, canonical in vocabulary.rules:
        for phrase in phrases:
            if f" {phrase} " in padded:
                return canonical
    return None


def normalise(vocabulary: str, raw: str) -> str | None:
    """`raw` in `vocabulary`'s canonical terms (its fallback when unrecognised; None when empty)."""
    return VOCABULARIES[vocabulary].normalise(raw)


def os_family(os_name: str | None) -> str | None:
    """windows, linux, unix or other, derived from an operating system's name; None when there is none."""
    if os_name is None:
        return None
    return VOCABULARIES["os_family"].normalise(os_name)
