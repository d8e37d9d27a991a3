"""A cell text that repeats down a column (an OS, an environment, a size) converts as it did the first time in
every row, for that column only and that import only; a bad one is reported in every row it is in."""

from __future__ import annotations

from imports.rows import MEMO_ENTRIES, PlannedColumn, RowConverter, RowResult

HEADERS = ["Name", "RAM GB", "RAM used MB", "Env", "Stage", "IPs", "Cores", "Tier"]
PLANNED = [
    PlannedColumn("Name", "name", None),
    PlannedColumn("RAM GB", "memory_mb", "gb_to_mb"),
    PlannedColumn("RAM used MB", "memory_used_avg_mb", None),
    PlannedColumn("Env", "environment", "vocabulary"),
    PlannedColumn("Stage", "description", None),
    PlannedColumn("IPs", "ip_address", "split_list"),
    PlannedColumn("Cores", "cpu_cores", None),
    PlannedColumn("Tier", "criticality", "vocabulary"),
]


def converter(planned: list[PlannedColumn] = PLANNED) -> RowConverter:
    return RowConverter.build(kind="assets", format="generic", headers=HEADERS, planned=planned)


def row(convert: RowConverter, cells: list[str]) -> RowResult:
    return convert.convert(dict(zip(HEADERS, cells, strict=True)))


def test_the_same_text_in_two_columns_gets_each_columns_value() -> None:
    convert = converter()
    for _ in range(3):
        result = row(convert, ["web01", "16", "16", "Prod", "Prod", "10.0.0.1", "4", "High"])
        values = result.values
        assert (values["memory_mb"], values["memory_used_avg_mb"]) == (16384, 16)
        assert (values["environment"], values["environment_raw"]) == ("production", "Prod")
        assert values["description"] == "Prod"
        assert not result.errors and not result.warnings


def test_a_bad_cell_is_reported_in_every_row_that_repeats_it() -> None:
    convert = converter()
    results = [row(convert, [f"web0{n}", "lots", "8", "Moon", "", "10.0.0.300", "4", "Moon"]) for n in range(3)]
    for result in results:
        assert [column for column, _ in result.errors] == ["RAM GB", "IPs"]
        assert [column for column, _ in result.warnings] == ["Tier"]
        assert result.values["memory_mb"] is None and result.values["criticality"] is None
        assert result.values["criticality_raw"] == "Moon"


def test_a_cell_that_was_bad_before_a_good_one_stays_bad_and_the_good_one_good() -> None:
    convert = converter()
    texts = ["-4", "4", "-4", "4", "5000", "4"]
    results = [row(convert, ["web01", "", "", "", "", "", text, ""]) for text in texts]
    assert [r.values["cpu_cores"] for r in results] == [None, 4, None, 4, None, 4]
    assert [len(r.errors) for r in results] == [1, 0, 1, 0, 1, 0]


def test_a_list_a_caller_changes_does_not_change_the_next_rows() -> None:
    convert = converter()
    first = row(convert, ["web01", "", "", "", "", "10.0.0.1; 10.0.0.2", "", ""])
    first.values["ip_address"].append("192.0.2.9")
    second = row(convert, ["web02", "", "", "", "", "10.0.0.1; 10.0.0.2", "", ""])
    assert second.values["ip_address"] == ["10.0.0.1", "10.0.0.2"]


def test_another_import_with_the_same_headers_converts_by_its_own_mapping() -> None:
    in_gb = converter()
    assert row(in_gb, ["web01", "16", "", "", "", "", "", ""]).values["memory_mb"] == 16384
    in_mb = converter([PlannedColumn("RAM GB", "memory_mb", None)])
    assert row(in_mb, ["web01", "16", "", "", "", "", "", ""]).values["memory_mb"] == 16


def test_a_column_of_more_different_texts_than_it_remembers_converts_each_one() -> None:
    convert = converter()
    count = 3 * MEMO_ENTRIES
    results = [row(convert, [f"web{n}", str(n % 100), "", "", f"stage {n}", f"10.0.{n // 256 % 256}.{n % 256}", "", ""])
               for n in range(count)]  # fmt: skip
    assert [r.values["name"] for r in results] == [f"web{n}" for n in range(count)]
    assert [r.values["memory_mb"] for r in results] == [n % 100 * 1024 for n in range(count)]
    assert [r.values["description"] for r in results] == [f"stage {n}" for n in range(count)]
    assert [r.values["ip_address"] for r in results] == [[f"10.0.{n // 256 % 256}.{n % 256}"] for n in range(count)]


def test_cells_in_header_order_convert_as_cells_by_header() -> None:
    convert = converter()
    cells = ["web01", "1,5", "512", " prd ", "x", "10.0.0.1,10.0.0.1", "abc", "Moon"]
    by_header = row(convert, cells)
    in_order = convert.convert_cells(cells)
    assert (in_order.values, in_order.errors, in_order.warnings) == (
        by_header.values,
        by_header.errors,
        by_header.warnings,
    )
    short = convert.convert_cells(cells[:2])
    assert short.values["memory_mb"] == 1536 and short.values["ip_address"] is None


def test_rows_converted_together_convert_as_one_by_one() -> None:
    rows = [
        ["web01", "16", "16", "Prod", "Prod", "10.0.0.1; 10.0.0.2", "4", "High"],
        ["web02", "lots", "8", "Moon", "", "10.0.0.300", "-4", "Moon"],
        ["", "", "", "", "", "", "", ""],
        ["web01", "16", "16", "Prod", "Prod", "10.0.0.1; 10.0.0.2", "4"],  # short: the rest empty
    ] * 3
    one_by_one = [converter().convert_cells(cells) for cells in rows]
    together = converter().convert_rows(rows)
    assert [(r.values, r.errors, r.warnings) for r in together] == [
        (r.values, r.errors, r.warnings) for r in one_by_one
    ]
    together[0].values["ip_address"].append("192.0.2.9")
    assert together[4].values["ip_address"] == ["10.0.0.1", "10.0.0.2"]
