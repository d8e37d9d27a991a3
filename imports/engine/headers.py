"""How a header is read: its squashed key, its words, and the unit and statistic it names.

"RAM.TotalSizeInMB", "Memory (In MB)" and "memory_in_mb" must meet the same synonyms, so a header is
split into words (camelCase and units understood), the unit ("MB"), the rate ("per second") and the
statistic ("Avg", "Max") are taken out, and what remains (the base) is what synonyms are compared with.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

_OPTIONAL = re.compile(r"\(\s*optional\s*\)", re.IGNORECASE)
_BRACKETED_LAST = re.compile(r"[(\[]\s*\w+\s*[)\]]\s*$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Order matters: units and plural acronyms before the general camelCase rules.
_TOKEN = re.compile(
    r"v[A-Z]{2,}s?(?![a-z])"  # vCPU, vCPUs, vNIC
    r"|[MGK]Hz"  # MHz, GHz
    r"|[KMGT]i?B(?![a-z])"  # MB, MiB, GiB (also glued: "InMB", "MemoryGiB")
    r"|[A-Z]{2,}s(?![a-z])"  # CPUs, NICs, IPs
    r"|[A-Z]+(?=[A-Z][a-z])"  # "IP" in "IPAddress"
    r"|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+"
)

# Unit words, by the unit they name. Binary spellings stay apart from decimal ones because the
# transform's name follows the header ("Provisioned MiB" -> mib_to_gb).
_UNITS: Final[dict[str, str]] = {
    **dict.fromkeys(("b", "byte", "bytes", "octet", "octets"), "b"),
    **dict.fromkeys(("kb", "kbytes", "kilobytes"), "kb"),
    "kib": "kib",
    **dict.fromkeys(("mb", "mbytes", "megabytes"), "mb"),
    "mib": "mib",
    **dict.fromkeys(("gb", "gbytes", "gigabytes"), "gb"),
    "gib": "gib",
    **dict.fromkeys(("tb", "terabytes"), "tb"),
    "tib": "tib",
    "mhz": "mhz",
    "ghz": "ghz",
    **dict.fromkeys(
        ("pct", "percent", "percentage", "prozent", "pourcentage", "porcentaje", "percentuale", "procent"), "pct"
    ),
    **dict.fromkeys(("hours", "hour", "hrs", "stunden", "heures", "horas", "ore", "uren"), "h"),
    **dict.fromkeys(("minutes", "minute", "mins", "minuten", "minutos", "minuti"), "min"),
}
# French octets and a bare "h" are units only as a header's last word, in brackets or after "en"/"in"
# ("Mémoire (Go)", "Speicher en Go", "RTO (h)"): "go", "to" and "mo" are ordinary words elsewhere ("assigned_to").
_LAST_WORD_UNITS: Final[dict[str, str]] = {"ko": "kb", "mo": "mb", "go": "gb", "to": "tb", "h": "h"}
# Units that already mean "per second".
_RATE_UNITS: Final[dict[str, str]] = {"kbps": "kb", "mbps": "mb", "gbps": "gb", "bps": "b"}
_SECOND_WORDS: Final = frozenset({"second", "seconds", "sec", "s"})
_STATS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("avg", "average", "mean", "durchschnitt", "durchschnittlich", "moyenne", "promedio", "media")
        + ("medio", "gemiddeld", "gemiddelde"),
        "avg",
    ),
    **dict.fromkeys(
        ("max", "maximum", "peak", "spitze", "spitzenwert", "pic", "maximo", "massimo", "piek", "maximaal")
        + ("p95", "p99", "percentile"),
        "max",
    ),
    **dict.fromkeys(("min", "minimum", "minimo", "minimal"), "min"),
}
# Words that carry no meaning for matching ("Number of disks" meets "number disks").
_FILLERS: Final = frozenset(
    {"the", "of", "de", "du", "des", "d", "la", "le", "l", "del", "der", "die", "das", "di", "da", "do", "dos"}
    | {"van", "het", "total", "totale", "gesamt", "optional"}
)
# Prepositions before a unit: "(In MB)", "en Go", "em GB", "im GB".
_UNIT_PREPOSITIONS: Final = frozenset({"in", "en", "em", "im"})


def fold_case_kept(text: str) -> str:
    """`text` without accents, its case kept (the camelCase split needs it)."""
    text = text.replace("ß", "ss").replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def squash(text: str) -> str:
    """Lower-case letters and digits only: "*Memory (In MB)" -> "memoryinmb"; "(optional)" dropped."""
    return _NON_ALNUM.sub("", fold_case_kept(_OPTIONAL.sub("", text)).lower())


def split_words(text: str) -> tuple[str, ...]:
    """Lower-case words: "RAM.TotalSizeInMB" -> ram, total, size, in, mb; "VMware" stays one word."""
    text = fold_case_kept(_OPTIONAL.sub("", text)).replace("VMware", "Vmware")
    return tuple(t.lower() for t in _TOKEN.findall(text))


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    text: str
    key: str
    words: tuple[str, ...]
    # The words without unit, rate, statistic and filler words.
    base: tuple[str, ...]
    base_key: str
    unit: str | None
    rate: bool
    stat: str | None

    @property
    def dimension(self) -> str | None:
        """What the header measures: size, size_rate, pct, freq or time; None when it names no unit."""
        return unit_dimension(self.unit, rate=self.rate)


def unit_dimension(unit: str | None, *, rate: bool = False) -> str | None:
    if unit is None:
        return None
    if unit in ("b", "kb", "kib", "mb", "mib", "gb", "gib", "tb", "tib"):
        return "size_rate" if rate else "size"
    return {"pct": "pct", "mhz": "freq", "ghz": "freq", "h": "time", "min": "time"}[unit]


def unit_of_word(word: str) -> str | None:
    """The unit a word written after a number names ("GB", "MiB", "Go", "%"), or None."""
    folded = fold_case_kept(word).lower()
    if folded == "%":
        return "pct"
    return _UNITS.get(folded) or _LAST_WORD_UNITS.get(folded)


def _is_unit_word(word: str, *, last_word: bool) -> bool:
    return word in _UNITS or word in _RATE_UNITS or (last_word and word in _LAST_WORD_UNITS)


@lru_cache(maxsize=4096)
def analyse(text: str) -> HeaderInfo:
    words = split_words(text)
    percent = "%" in text
    # "(min)" is minutes; a bare "min" is the minimum.
    minutes_in_brackets = re.search(r"\(\s*min\s*\)", text, re.IGNORECASE) is not None
    bracketed_last = _BRACKETED_LAST.search(text) is not None
    unit: str | None = "pct" if percent else None
    rate = False
    stat: str | None = None
    base: list[str] = []
    last = len(words) - 1
    for i, word in enumerate(words):
        following = words[i + 1] if i < last else ""
        if word in _RATE_UNITS:
            unit, rate = unit or _RATE_UNITS[word], True
        elif word == "min" and minutes_in_brackets:
            unit = unit or "min"
        elif word in _UNITS:
            unit = unit or _UNITS[word]
        elif i == last and word in _LAST_WORD_UNITS and (bracketed_last or words[i - 1] in _UNIT_PREPOSITIONS):
            unit = unit or _LAST_WORD_UNITS[word]
        elif word == "per" and following in _SECOND_WORDS:
            rate = True
        elif word in _SECOND_WORDS and (rate or (i > 0 and words[i - 1] in _UNITS)):
            rate = True
        elif word == "ps" and i > 0 and words[i - 1] in _UNITS:
            rate = True
        elif word in _STATS:
            stat = stat or _STATS[word]
        elif word in _UNIT_PREPOSITIONS and _is_unit_word(following, last_word=i + 1 == last):
            continue
        elif word not in _FILLERS:
            base.append(word)
    base_key = "".join(base) or squash(text)
    return HeaderInfo(text, squash(text), words, tuple(base), base_key, unit, rate, stat)
