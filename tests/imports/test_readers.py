"""Reading import files: encodings, delimiters, header rows, workbooks, JSON, and the broken-file corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imports.engine import readers
from imports.engine.readers import SAMPLE_ROWS, ReadError, SheetNotFound, read_table
from tests.imports.filemakers import (
    FIXTURES,
    make_big_cell_csv,
    make_csv,
    make_rvtools_4x,
    make_server_csv,
    make_xlsx,
    make_zip_bomb,
)


def test_it_reads_a_utf8_csv_and_sniffs_the_comma() -> None:
    table = read_table(FIXTURES / "aws_ads.csv")

    assert table.file_type == "csv"
    assert table.delimiter == ","
    assert table.encoding == "utf-8"
    assert table.header_row == 1
    assert table.headers[:3] == ["ExternalId", "SMBiosId", "IPAddress"]
    assert table.row_count == 3
    assert table.sample_rows[0][2] == "10.12.31.233, 10.12.32.11"


def test_it_reads_utf8_with_a_bom_without_the_bom_in_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffServer;Mémoire\nsrv01;4096\n".encode())

    table = read_table(path)

    assert table.encoding == "utf-8-sig"
    assert table.headers == ["Server", "Mémoire"]


def test_it_reads_utf16_with_a_bom_and_tabs() -> None:
    table = read_table(FIXTURES / "utf16.csv")

    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert table.headers == ["Server", "IP Address", "Memory (MB)", "Owner"]
    assert [cells for _, cells in table.iter_rows()][0] == ["srv-münchen-01", "10.1.1.1", "4096", "Jürgen Müller"]


def test_it_falls_back_to_cp1252_and_sniffs_semicolons() -> None:
    table = read_table(FIXTURES / "cp1252_semicolon.csv")

    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.headers[2] == "Arbeitsspeicher (GB)"
    assert table.sample_rows[1][0] == "srv-köln-02"
    assert table.sample_rows[0][7] == "12,5"


def test_it_finds_the_header_below_title_rows() -> None:
    table = read_table(FIXTURES / "title_rows.csv")

    assert table.header_row == 4
    assert table.headers == ["Hostname", "IP", "RAM (GB)", "vCPUs", "OS"]
    assert [number for number, _ in table.iter_rows()] == [5, 6, 7]


def test_row_numbers_are_those_a_spreadsheet_shows_even_across_empty_rows(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text('Server,Notes\nsrv01,"two\nlines"\n\n,\nsrv02,x\n', encoding="utf-8")

    table = read_table(path)

    assert list(table.iter_rows()) == [(2, ["srv01", "two\nlines"]), (5, ["srv02", "x"])]
    assert table.row_count == 2


def test_it_names_blank_and_repeated_headers() -> None:
    table = read_table(FIXTURES / "duplicate_headers.csv")

    assert table.headers == ["Name", "IP", "column_3", "IP (2)", "Name (2)", "IP (3)"]


def test_short_rows_are_padded_to_the_header(tmp_path: Path) -> None:
    path = make_csv(tmp_path / "short.csv", [["a", "b", "c"], ["1"], ["1", "2", "3", "", ""]])

    assert list(read_table(path).iter_rows()) == [(2, ["1", "", ""]), (3, ["1", "2", "3"])]


def test_iter_rows_streams_the_rows_again_for_the_import(tmp_path: Path) -> None:
    table = read_table(make_server_csv(tmp_path / "servers.csv", 1500))

    assert table.row_count == 1500
    assert len(table.sample_rows) == SAMPLE_ROWS
    first_pass = sum(1 for _ in table.iter_rows())
    second_pass = list(table.iter_rows())
    assert first_pass == 1500
    assert second_pass[-1][0] == 1501
    assert second_pass[-1][1][0] == "srv001499"


def test_it_reads_a_json_array_with_the_union_of_keys_in_first_seen_order() -> None:
    table = read_table(FIXTURES / "servers.json")

    assert table.file_type == "json"
    assert table.header_row == 1
    assert table.headers == ["hostname", "ip_address", "memory_mb", "environment", "cpu_cores", "virtual"]
    rows = list(table.iter_rows())
    assert rows[0] == (2, ["json-web-01", "10.3.0.1; 10.3.0.2", "4096", "Prod", "", ""])
    assert rows[1] == (3, ["json-db-01", "10.3.0.3", "", "Dev", "8", "true"])


def test_it_refuses_json_that_is_not_an_array_of_objects(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"a": 1}, 2]', encoding="utf-8")

    with pytest.raises(ReadError, match=r"row 3: item 2 of the array is not an object"):
        read_table(path)


def test_a_header_only_file_is_readable_with_no_rows() -> None:
    table = read_table(FIXTURES / "header_only.csv")

    assert table.headers == ["Server Name", "IP Address", "Memory (GB)"]
    assert table.row_count == 0
    assert list(table.iter_rows()) == []


def test_it_reads_the_vinfo_sheet_of_an_rvtools_workbook_even_when_it_is_not_first(tmp_path: Path) -> None:
    table = read_table(make_rvtools_4x(tmp_path / "rvtools.xlsx", vinfo_first=False))

    assert table.file_type == "xlsx"
    assert table.sheets == ["vCPU", "vMemory", "vDisk", "vNetwork", "vInfo"]
    assert table.sheet == "vInfo"
    assert table.headers[:3] == ["VM", "Powerstate", "Template"]
    assert table.row_count == 2


def test_workbook_cells_read_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    table = read_table(make_rvtools_4x(tmp_path / "rvtools.xlsx"))
    row = dict(zip(table.headers, table.sample_rows[0], strict=True))

    assert row["Memory"] == "16384"
    assert row["Provisioned MiB"] == "163840"
    assert row["In Use MiB"] == "81920.5"
    assert row["Template"] == "false"


def test_it_reads_the_first_sheet_with_data_by_default(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "book.xlsx", {"Cover": [], "Servers": [["Name", "IP"], ["srv01", "10.0.0.1"]]})

    table = read_table(path)

    assert table.sheet == "Servers"
    assert list(table.iter_rows()) == [(2, ["srv01", "10.0.0.1"])]


def test_it_reads_a_named_sheet_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    path = make_rvtools_4x(tmp_path / "rvtools.xlsx")

    assert read_table(path, sheet="vdisk").sheet == "vDisk"
    with pytest.raises(SheetNotFound, match=r"no sheet named 'vHost'; its sheets are: vInfo, vCPU"):
        read_table(path, sheet="vHost")


def test_a_workbook_table_opens_another_sheet_with_the_same_limits(tmp_path: Path) -> None:
    table = read_table(make_rvtools_4x(tmp_path / "rvtools.xlsx"), max_rows=10)

    with table.open_sheet("vNetwork") as network:
        assert network.sheet == "vNetwork"
        assert network.limits.max_rows == 10
        assert network.headers[6] == "Mac Address"


def test_closing_a_workbook_table_removes_its_spooled_rows(tmp_path: Path) -> None:
    table = read_table(make_rvtools_4x(tmp_path / "rvtools.xlsx"))
    assert len(list(table.iter_rows())) == 2

    table.close()

    with pytest.raises(ReadError, match="closed"):
        list(table.iter_rows())


# --- the broken corpus ----------------------------------------------------------------------------------


def test_it_refuses_an_empty_file() -> None:
    with pytest.raises(ReadError, match="^the file is empty$"):
        read_table(FIXTURES / "empty.csv")


def test_it_refuses_a_file_of_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(" \n\n,,\n", encoding="utf-8")

    with pytest.raises(ReadError, match="empty"):
        read_table(path)


def test_it_refuses_binary_content() -> None:
    with pytest.raises(ReadError, match="binary, not text"):
        read_table(FIXTURES / "binary.csv")


def test_it_refuses_an_xlsx_that_is_not_a_zip() -> None:
    with pytest.raises(ReadError, match=r"not an XLSX workbook: .*wrong extension"):
        read_table(FIXTURES / "wrong_extension.xlsx")


def test_it_refuses_a_csv_that_is_a_workbook(tmp_path: Path) -> None:
    workbook = make_rvtools_4x(tmp_path / "rvtools.xlsx")
    disguised = tmp_path / "rvtools.csv"
    shutil.copy(workbook, disguised)

    with pytest.raises(ReadError, match=r"ZIP archive \(an XLSX workbook\?\), not text"):
        read_table(disguised)


def test_it_refuses_an_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "inventory.pdf"
    path.write_bytes(b"%PDF-1.7")

    with pytest.raises(ReadError, match=r"unsupported file type '\.pdf'"):
        read_table(path)


def test_it_refuses_a_ragged_row_naming_it() -> None:
    with pytest.raises(ReadError) as raised:
        read_table(FIXTURES / "ragged_rows.csv")

    assert raised.value.row == 3
    assert str(raised.value) == "row 3: this row has values in 5 columns but the header (row 1) names 3"


def test_it_refuses_a_cell_over_1_mb_naming_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as raised:
        read_table(make_big_cell_csv(tmp_path / "big.csv"))

    assert (raised.value.row, raised.value.column) == (3, "Notes")
    assert "over the limit of 1 MB" in str(raised.value)


def test_it_refuses_a_zip_bomb_before_openpyxl_opens_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = make_zip_bomb(tmp_path / "bomb.xlsx")

    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to open a ZIP bomb")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_open)
    with pytest.raises(ReadError, match=r"'xl/worksheets/sheet1.xml' in the workbook expands .* times to 200.0 MB"):
        read_table(bomb)


def test_it_refuses_a_workbook_that_expands_past_ten_times_the_file_limit(tmp_path: Path) -> None:
    # Repeated rows compress about 15 times: with the file's own size as the limit, the sheet is too big.
    rows = [["Server", "OS"]] + [["srv", "Windows Server 2019"]] * 5000
    workbook = make_xlsx(tmp_path / "repeated.xlsx", {"Servers": rows})

    with pytest.raises(ReadError, match="refused: the workbook expands to"):
        read_table(workbook, max_bytes=workbook.stat().st_size)


def test_it_refuses_a_file_over_max_bytes() -> None:
    with pytest.raises(ReadError, match=r"^the file is 0\.0 MB, over the limit of 0\.0 MB$"):
        read_table(FIXTURES / "aws_ads.csv", max_bytes=100)


def test_it_refuses_more_than_max_rows_naming_the_first_row_too_many(tmp_path: Path) -> None:
    path = make_server_csv(tmp_path / "servers.csv", 30)

    with pytest.raises(ReadError, match=r"^row 27: the file has more than 25 data rows, the limit$"):
        read_table(path, max_rows=25)


def test_a_sheet_asked_of_a_csv_is_refused() -> None:
    with pytest.raises(SheetNotFound, match="a CSV file has no sheets"):
        read_table(FIXTURES / "aws_ads.csv", sheet="vInfo")


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no such file"):
        read_table(tmp_path / "nope.csv")


def test_a_damaged_workbook_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(readers._ZIP_MAGIC + b"\0" * 100)

    with pytest.raises(ReadError, match="damaged"):
        read_table(path)
