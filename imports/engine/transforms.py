"""Value transforms named by a mapping (shared/spec/cli.md) and the coercion of a cell to its field's type.

`apply_transform(name, raw)` runs one transform on one cell. `converter(field, transform)` builds, once
per column, the function that turns a raw cell into the field's typed value (transform, then type), so
that validation and cleansing of 100,000 rows do not look anything up per value.
Failures raise `TransformError` naming the value; the caller adds the row and column.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from typing import Final

from imports.engine.fields import Field
from imports.engine.headers import unit_of_word
from imports.engine.vocabularies import VOCABULARIES

Value = str | int | float | bool | list[str] | None

# The transform names of cli.md, in its order; a new one is added there first.
TRANSFORMS: Final = (
    "gb_to_mb",
    "gib_to_mb",
    "kb_to_mb",
    "mb_to_gb",
    "mib_to_gb",
    "tb_to_gb",
    "mbps_to_kbps",
    "bytes_to_kb",
    "split_list",
    "to_bool",
    "not_bool",
    "vocabulary",
    "first_label",
    "decimal_comma",
)

# Multipliers of the unit conversions (binary units: the spec counts MiB as MB and GiB as GB).
_FACTORS: Final[dict[str, float]] = {
    "gb_to_mb": 1024.0,
    "gib_to_mb": 1024.0,
    "kb_to_mb": 1 / 1024,
    "mb_to_gb": 1 / 1024,
    "mib_to_gb": 1 / 1024,
    "tb_to_gb": 1024.0,
    "mbps_to_kbps": 1024.0,
    "bytes_to_kb": 1 / 1024,
}

# Cells that mean "no value" in exports and hand-made sheets.
_EMPTY: Final = frozenset({"", "n/a", "#n/a", "nan", "null", "none", "nil", "-", "--", "\u2014", "?"})

_TRUE: Final = frozenset(
    {"true", "t", "yes", "y", "1", "x", "virtual", "vm", "ja", "oui", "si", "sí", "sim", "vero", "waar", "wahr", "on"}
)
_FALSE: Final = frozenset(
    {"false", "f", "no", "n", "0", "physical", "bare metal", "nein", "non", "falso", "onwaar", "falsch", "nee", "off"}
)

_LIST_SPLIT = re.compile(r"\s*[,;\n\r]+\s*")
# A number, optionally followed by a unit or a percent sign ("16 GB", "2.4GHz", "45 %").
_NUMBER_WITH_UNIT = re.compile(r"^([-+]?[\d.,'\s\u00a0\u202f]*\d)\s*([a-zA-Z%/]{0,12})$")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+")
_THOUSANDS_DOT = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")
_MAC_SEPARATED = re.compile(r"^([0-9a-f]{2})" + r"[:-]([0-9a-f]{2})" * 5 + "$")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_CANONICAL_IPV4 = re.compile(rf"^{_OCTET}(?:\.{_OCTET}){{3}}$")
_MAC_BARE = re.compile(r"^[0-9a-f]{12}$")
_MAC_DOTTED = re.compile(r"^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$")
_TAG_PAIR = re.compile(r"^\s*([^:=]+?)\s*[:=]\s*(.*?)\s*$")


class TransformError(ValueError):
    """A cell the transform or the field's type cannot read; the message names the value."""


_LONGEST_EMPTY = max(map(len, _EMPTY))


def is_empty(raw: str) -> bool:
    """A blank cell or one of the spellings of "no value" (n/a, null, -, ...)."""
    value = raw.strip()  # _is_empty_stripped inline: a call less for each unmapped cell of an import
    return not value or (len(value) <= _LONGEST_EMPTY and value.lower() in _EMPTY)


def _is_empty_stripped(value: str) -> bool:
    return not value or (len(value) <= _LONGEST_EMPTY and value.lower() in _EMPTY)


def parse_number(raw: str, *, decimal_comma: bool = False) -> float:
    """A number from a cell: "4096", "1,024" (thousands), "3,5" (decimal comma), "1.234,5", "16 GB", "45%".

    A comma followed by exactly three digits is read as a thousands separator unless `decimal_comma`
    says the file writes decimals with a comma. A unit after the number is left out (see number_and_unit).
    """
    return number_and_unit(raw, decimal_comma=decimal_comma)[0]


def number_and_unit(raw: str, *, decimal_comma: bool = False) -> tuple[float, str | None]:
    """The number of a cell and the unit written after it ("16 GB" -> 16.0, "gb"); None where none is known."""
    text = raw.strip()
    # The quick way first; with decimal commas a dot separates thousands, which float() would misread.
    if not (decimal_comma and "." in text):
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            # float() also reads "nan" and "inf", which no inventory means as a number.
            if math.isfinite(number):
                return number, None
            raise TransformError(f"{raw!r} is not a number")
    match = _NUMBER_WITH_UNIT.match(text)
    if match is None:
        raise TransformError(f"{raw!r} is not a number")
    digits = re.sub(r"[\s\u00a0\u202f']", "", match.group(1))
    if decimal_comma:
        digits = digits.replace(".", "").replace(",", ".")
    elif "," in digits and "." in digits:
        # The separator that comes last is the decimal one: "1,234.5" and "1.234,5".
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif "," in digits:
        digits = digits.replace(",", "") if _THOUSANDS_COMMA.fullmatch(digits) else digits.replace(",", ".")
    elif _THOUSANDS_DOT.fullmatch(digits):
        digits = digits.replace(".", "")
    try:
        return float(digits), unit_of_word(match.group(2)) if match.group(2) else None
    except ValueError:
        raise TransformError(f"{raw!r} is not a number") from None


def decimal_separator(raw: str) -> str | None:
    """ "," or "." where a number plainly uses it as its decimal separator ("3,5", "1.234,5", "12.5");
    None for whole numbers and for "1,024", which may be a thousand or one and a bit."""
    match = _NUMBER_WITH_UNIT.match(raw.strip())
    if match is None:
        return None
    digits = match.group(1)
    if _THOUSANDS_COMMA.fullmatch(digits) or _THOUSANDS_DOT.fullmatch(digits):
        return None
    last = max(digits.rfind(","), digits.rfind("."))
    return digits[last] if last >= 0 else None


def split_list(raw: str) -> list[str]:
    """Items of a list cell, split on commas, semicolons or new lines; empty items dropped, order kept."""
    value = raw.strip()
    if "," not in value and ";" not in value and "\n" not in value and "\r" not in value:
        # One item, the commonest list cell (an IP address, a MAC address, an application): no split to make.
        return [value] if value and value.lower() not in _EMPTY else []
    seen: dict[str, None] = {}
    for item in _LIST_SPLIT.split(value):
        if item and item.lower() not in _EMPTY:
            seen.setdefault(item, None)
    return list(seen)


def to_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise TransformError(f"{raw!r} is not a yes/no value")


def first_label(raw: str) -> str:
    """The host part of a domain name ("web01.corp.example.com" -> "web01"); an IP address stays whole."""
    value = raw.strip().rstrip(".")
    if _CANONICAL_IPV4.match(value) or ":" in value:
        return value
    return value.split(".", 1)[0]


def ip_version(raw: str) -> int | None:
    """4 or 6 for an IP address, None for anything else."""
    value = raw.strip()
    if _CANONICAL_IPV4.match(value):
        return 4
    try:
        return ipaddress.ip_address(value).version
    except ValueError:
        return None


def is_mac(raw: str) -> bool:
    """A MAC address written with separators (colons, dashes or Cisco's dots). Twelve bare hex digits are
    read by normalise_mac but not recognised here: serial numbers and ids look the same."""
    value = raw.strip().lower()
    return bool(_MAC_SEPARATED.match(value) or _MAC_DOTTED.match(value))


def normalise_ip(raw: str) -> str:
    """An IPv4 or IPv6 address in its canonical text; a zone or prefix length is refused."""
    value = raw.strip()
    # Most cells are plain IPv4 already in canonical form; the ipaddress module is five times slower.
    if _CANONICAL_IPV4.match(value):
        return value
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        raise TransformError(f"{raw!r} is not an IP address") from None


def normalise_mac(raw: str) -> str:
    """A MAC address as aa:bb:cc:dd:ee:ff, from colon, dash, Cisco-dotted or bare-hex spellings."""
    value = raw.strip().lower()
    match = _MAC_SEPARATED.match(value)
    if match:
        return ":".join(match.groups())
    dotted = _MAC_DOTTED.match(value)
    if dotted:
        value = "".join(dotted.groups())
    if _MAC_BARE.match(value):
        return ":".join(value[i : i + 2] for i in range(0, 12, 2))
    raise TransformError(f"{raw!r} is not a MAC address")


def normalise_tag(raw: str) -> str:
    """A tag as key:value ("env = prod" -> "env:prod"); a bare word stays as it is."""
    match = _TAG_PAIR.match(raw)
    if match is None:
        return raw.strip()
    return f"{match.group(1)}:{match.group(2)}"


def _scale(name: str, raw: str) -> float:
    return round(parse_number(raw) * _FACTORS[name], 3)


def _vocabulary_term(vocabulary: str, raw: str) -> str:
    found = VOCABULARIES[vocabulary].normalise(raw)
    if found is None:
        allowed = ", ".join(VOCABULARIES[vocabulary].values)
        raise TransformError(f"{raw!r} is not a known {vocabulary} ({allowed})")
    return found


def apply_transform(name: str | None, raw: str, *, vocabulary: str | None = None) -> Value:
    """Run transform `name` on one cell (None: the cell as it is). `vocabulary` names the one to use."""
    if name is None:
        return raw
    if name in _FACTORS:
        return _scale(name, raw)
    if name == "split_list":
        return split_list(raw)
    if name == "to_bool":
        return to_bool(raw)
    if name == "not_bool":
        return not to_bool(raw)
    if name == "first_label":
        return first_label(raw)
    if name == "decimal_comma":
        return parse_number(raw, decimal_comma=True)
    if name == "vocabulary":
        if vocabulary is None:
            raise ValueError("the vocabulary transform needs the vocabulary's name")
        return _vocabulary_term(vocabulary, raw)
    raise ValueError(f"unknown transform {name!r}; cli.md lists {', '.join(TRANSFORMS)}")


_ITEM_NORMALISERS: Final[dict[str, Callable[[str], str]]] = {
    "ip": normalise_ip,
    "mac": normalise_mac,
    "tag": normalise_tag,
}
# Text fields with a canonical spelling of their own.
_TEXT_NORMALISERS: Final[dict[str, Callable[[str], str]]] = {
    "hostname": lambda raw: raw.strip().lower(),
    "fqdn": lambda raw: raw.strip().rstrip(".").lower(),
}


def converter(field: Field, transform: str | None) -> Callable[[str], Value]:
    """The function that turns one raw cell of a column mapped onto `field` with `transform` into its
    typed value: None for an empty cell, else the transform's result coerced to the field's type."""
    if transform is not None and transform not in TRANSFORMS:
        raise ValueError(f"unknown transform {transform!r}; cli.md lists {', '.join(TRANSFORMS)}")
    convert: Callable[[str], Value]
    if field.type == "list":
        item = _ITEM_NORMALISERS.get(field.item or "")

        def convert(raw: str) -> Value:
            items = split_list(raw)
            if item is None:
                return items
            if len(items) == 1:
                return [item(items[0])]
            # Normalised spellings of one item ("AA-BB-..." and "aa:bb:...") count once, as clean_value has it.
            return list(dict.fromkeys(item(i) for i in items))

    elif field.type == "boolean":
        negate = transform == "not_bool"

        def convert(raw: str) -> Value:
            return to_bool(raw) != negate

    elif field.type == "vocabulary":
        vocabulary = field.vocabulary or field.name

        def convert(raw: str) -> Value:
            return _vocabulary_term(vocabulary, raw)

    elif field.type in ("integer", "number"):
        return _number_converter(field, transform)

    elif transform == "first_label":
        text = _TEXT_NORMALISERS.get(field.name, str.strip)

        def convert(raw: str) -> Value:
            return text(first_label(raw))

    elif field.name in _TEXT_NORMALISERS:
        convert = _TEXT_NORMALISERS[field.name]
    else:
        return _plain_text

    def convert_cell(raw: str) -> Value:
        value = raw.strip()
        return None if _is_empty_stripped(value) else convert(value)

    return convert_cell


def _plain_text(raw: str) -> Value:
    """Plain text, the commonest column, in one call: the cell stripped, or None."""
    value = raw.strip()
    return None if _is_empty_stripped(value) else value


# The units a column's cells may be written in, by transform (or by the field's unit where none converts).
_SOURCE_UNITS: Final[dict[str, frozenset[str]]] = {
    "gb_to_mb": frozenset({"gb", "gib"}),
    "gib_to_mb": frozenset({"gb", "gib"}),
    "kb_to_mb": frozenset({"kb", "kib"}),
    "mb_to_gb": frozenset({"mb", "mib"}),
    "mib_to_gb": frozenset({"mb", "mib"}),
    "tb_to_gb": frozenset({"tb", "tib"}),
    "mbps_to_kbps": frozenset({"mb", "mib"}),
    "bytes_to_kb": frozenset({"b"}),
}
_FIELD_UNITS: Final[dict[str, frozenset[str]]] = {
    "mb": frozenset({"mb", "mib"}),
    "gb": frozenset({"gb", "gib"}),
    "kbps": frozenset({"kb", "kib"}),
    "mhz": frozenset({"mhz"}),
    "pct": frozenset({"pct"}),
    "h": frozenset({"h"}),
    "min": frozenset({"min"}),
}


def _number_converter(field: Field, transform: str | None) -> Callable[[str], Value]:
    """The converter of a numeric column: most of a large file's cells go through it, so a plain number
    is read with a single float() and only the rest takes the slower way.

    A cell written with a unit other than the column's ("1.5 TB" in a column of GB) is refused rather than
    read as a number of the column's unit.
    """
    factor = _FACTORS.get(transform or "", 1.0)
    comma = transform == "decimal_comma"
    # round(x, None) is an int: integer fields get whole numbers, the others three decimals.
    digits = None if field.type == "integer" else 3
    allowed = _SOURCE_UNITS.get(transform or "") or _FIELD_UNITS.get(field.unit or "")

    def convert_cell(raw: str) -> Value:
        if not comma:
            try:
                number = float(raw)
            except ValueError:
                pass
            else:
                if math.isfinite(number):
                    number *= factor
                    if not math.isfinite(number):  # 1e308 GB is no number of MB
                        raise TransformError(f"{raw!r} is too large")
                    if digits is None:
                        return round(number)
                    # A whole number is its own rounding; round(x, 3) is a slow call (it goes through decimal text).
                    return number if number.is_integer() else round(number, digits)
        value = raw.strip()
        if _is_empty_stripped(value):
            return None
        number, unit = number_and_unit(value, decimal_comma=comma)
        if unit is not None and allowed is not None and unit not in allowed:
            raise TransformError(f"{raw!r} is written in another unit than the column's")
        if not math.isfinite(number * factor):
            raise TransformError(f"{raw!r} is too large")
        return round(number * factor, digits)

    return convert_cell
