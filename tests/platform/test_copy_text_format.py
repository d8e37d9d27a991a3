"""migration_platform.pgcopy: values formatted in Python for COPY come back out of PostgreSQL as they went in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from migration_platform import pgcopy

ROWS: list[list[Any]] = [
    [
        "tab\there, new\nline, return\r, back\\slash",
        ["plain", 'quote " inside', "back\\slash", "comma, brace {}", "tab\t", ""],
        {"key": "value\twith tab", "quote": '"', "nested": {"n": 1}, "uni": "é ✓"},
        True,
        1.25,
        9_007_199_254_740_993,
    ],
    [None, None, None, None, None, None],
    ["\\N is text here", ["NULL"], {}, False, 1e-05, 0],
]


@pytest.mark.usefixtures("db")
def test_every_kind_of_value_comes_back_as_it_was_written() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE copied (n integer, t text, a text[], j jsonb, b boolean, f double precision,"
            " i bigint)"
        )
        data = "".join(f"{n}\t{pgcopy.line(row)}\n" for n, row in enumerate(ROWS))
        with cursor.copy("COPY copied (n, t, a, j, b, f, i) FROM STDIN") as copy:
            copy.write(data.encode())
        cursor.execute("SELECT t, a, j, b, f, i FROM copied ORDER BY n")
        # Django reads jsonb as its text (its JSONField parses it).
        back = [[t, a, None if j is None else json.loads(j), b, f, i] for t, a, j, b, f, i in cursor.fetchall()]
    assert back == ROWS


@pytest.mark.usefixtures("db")
def test_jsonb_drops_a_nul_character_and_keeps_a_text_that_reads_backslash_u0000() -> None:
    value = ["nul\x00here", "C:\\u0000dir", {"k\x00": "v"}]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (j jsonb)")
        with cursor.copy("COPY copied (j) FROM STDIN") as copy:
            copy.write(f"{pgcopy.json_text(value)}\n".encode())
        cursor.execute("SELECT j FROM copied")
        assert json.loads(cursor.fetchone()[0]) == ["nulhere", "C:\\u0000dir", {"k": "v"}]
