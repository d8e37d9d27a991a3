"""Typed values of the canonical fields: one coercion shared by the bulk write, the page's inline edit and the API.

The import pipeline hands over values already typed and normalised; those pass through the fast path. Text from
a person (a form, a PATCH) is read with the mapping engine's readers, so "1,024", "yes" or "Prod" mean the same
everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from imports.engine.fields import Field
from imports.engine.transforms import (
    TransformError,
    is_empty,
    normalise_ip,
    normalise_mac,
    normalise_tag,
    parse_number,
    split_list,
    to_bool,
)
from imports.engine.vocabularies import VOCABULARIES

BIGINT_MAX = 2**63 - 1
# Numbers no inventory means: a percentage above 100, a negative size.
PERCENT_MAX = 100.0


class FieldValueError(ValueError):
    """A value the field cannot hold; the message is shown beside the field or with the row number."""


def _number(field: Field, value: object) -> float:
    if isinstance(value, bool):
        raise FieldValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = parse_number(str(value))
        except TransformError as error:
            raise FieldValueError(str(error)) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise FieldValueError(f"{value!r} is not a number")
    if number < 0:
        raise FieldValueError(f"{value!r} is negative; {field.name} cannot be")
    if field.unit == "pct" and number > PERCENT_MAX:
        raise FieldValueError(f"{value!r} is above 100; {field.name} is a percentage")
    return number


def _integer(field: Field, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number: float = value
    else:
        number = _number(field, value)
        if number != int(number):
            raise FieldValueError(f"{value!r} is not a whole number")
    if number < 0:
        raise FieldValueError(f"{value!r} is negative; {field.name} cannot be")
    if number > BIGINT_MAX:
        raise FieldValueError(f"{value!r} is too large")
    return int(number)


def _items(value: object) -> list[str]:
    if isinstance(value, str):
        return split_list(value)
    if isinstance(value, list) and all(type(item) is str and item and item == item.strip() for item in value):
        if not any("\x00" in item or (len(item) <= _EMPTY_MAX and is_empty(item)) for item in value):
            return list(dict.fromkeys(value))
    if isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        seen: dict[str, None] = {}
        for item in value:
            if item is None:
                continue
            text = str(item).strip()
            if "\x00" in text:
                raise FieldValueError("contains a NUL character")
            if text and not is_empty(text):
                seen.setdefault(text, None)
        return list(seen)
    raise FieldValueError(f"{value!r} is not a list")


def _list(field: Field, value: object) -> list[str]:
    items = _items(value)
    try:
        if field.item == "ip":
            return list(dict.fromkeys(normalise_ip(item) for item in items))
        if field.item == "mac":
            return list(dict.fromkeys(normalise_mac(item) for item in items))
        if field.item == "tag":
            return list(dict.fromkeys(normalise_tag(item) for item in items))
    except TransformError as error:
        raise FieldValueError(str(error)) from None
    return items


def vocabulary_value(field: Field, value: object) -> str | None:
    """The canonical term for `value` (the vocabulary's fallback for an unknown one that has it)."""
    if value is None:
        return None
    vocabulary = VOCABULARIES[field.vocabulary or field.name]
    text = str(value).strip()
    if not text or is_empty(text):
        return None
    if text in vocabulary.values:
        return text
    found = vocabulary.normalise(text)
    if found is None:
        raise FieldValueError(f"{text!r} is not one of {', '.join(vocabulary.values)}")
    return found


# The longest spelling of "no value" is_empty knows ("#n/a", "null", "none"): longer text skips the check.
_EMPTY_MAX = 4


def clean_value(field: Field, value: object) -> object:
    """`value` as `field` stores it: None when unknown, [] for an empty list; FieldValueError when it cannot be."""
    if field.type == "list":
        return [] if value is None else _list(field, value)
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value or (len(value) <= _EMPTY_MAX and is_empty(value)):
            return None
        if "\x00" in value:
            raise FieldValueError("contains a NUL character")
        if field.type == "text" and field.name not in {"hostname", "fqdn"}:
            return value  # the common case of a bulk write, first
    elif field.type == "integer" and type(value) is int and 0 <= value <= BIGINT_MAX:
        return value
    elif field.type == "number" and type(value) in (int, float) and 0 <= value < float("inf"):  # type: ignore[operator]
        if field.unit != "pct" or value <= PERCENT_MAX:  # type: ignore[operator]
            return float(value)  # type: ignore[arg-type]
    if field.type == "text":
        text = str(value)
        return text.lower() if field.name in {"hostname", "fqdn"} else text
    if field.type == "integer":
        return _integer(field, value)
    if field.type == "number":
        return _number(field, value)
    if field.type == "boolean":
        if isinstance(value, bool):
            return value
        try:
            return to_bool(str(value))
        except TransformError as error:
            raise FieldValueError(str(error)) from None
    if field.type == "vocabulary":
        return vocabulary_value(field, value)
    raise FieldValueError(f"{field.name} has an unknown type {field.type!r}")
