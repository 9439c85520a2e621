"""One export, three formats: `congan export` and `congan search --export` write the same
columns; CSV has a BOM and one time form; XLSX keeps Vietnamese intact."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from search_corpus import corpus

from archive.corpus.export import CSV_COLUMNS
from archive.corpus.record import ArticleRecord
from archive.paths import DataDir
from archive.search import SearchIndex
from congan.cli.main import get_cli

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+07:00)?$")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export") / "data"
    SearchIndex.rebuild(DataDir(root).search_db, corpus())
    return root


def congan(data: Path, *args: str) -> bytes:
    result = CliRunner().invoke(get_cli(), ["--data", str(data), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def read_csv(raw: bytes) -> list[list[str]]:
    assert raw.startswith("\ufeff".encode())  # UTF-8 BOM: Excel reads Vietnamese right
    return list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))


def test_search_export_csv_has_the_columns_of_congan_export_and_one_time_form(data: Path) -> None:
    rows = read_csv(congan(data, "search", "cong an", "--export", "csv"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) > 10
    header = rows[0]
    for row in rows[1:]:
        for column in ("published", "first_seen", "last_seen"):
            value = row[header.index(column)]
            assert not value or TIME.match(value), (column, value)
    titles = {row[header.index("title")] for row in rows[1:]}
    assert any("Công an" in t for t in titles)  # diacritics intact


def test_search_export_jsonl_lines_are_corpus_records(data: Path) -> None:
    lines = [json.loads(line) for line in congan(data, "search", "hoa binh", "--export", "jsonl").splitlines()]
    assert lines and all(ArticleRecord.from_json(line).id == line["id"] for line in lines)


def test_search_export_xlsx_same_columns_vietnamese_intact(data: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    raw = congan(data, "search", "dai ta heroin", "--export", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][CSV_COLUMNS.index("title")] == "Công an tỉnh Hòa Bình triệt phá đường dây ma túy"
    csv_rows = read_csv(congan(data, "search", "dai ta heroin", "--export", "csv"))
    assert [list(map(str, r)) for r in rows] == csv_rows  # the same cells as the CSV
