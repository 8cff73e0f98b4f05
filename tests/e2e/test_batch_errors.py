"""``tradewinds duty --batch`` with bad input: a table of cases through the CLI (issue 14).

Row-level cases put one bad line (row 2) after a good one (row 1): the good line is computed and
written, the bad one is listed with its row, field and value in ``out.errors.csv`` and in the
summary on stderr, and the exit code is 2. File-level cases (no lines, unreadable file, missing
column) write nothing and give one message naming the file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from tradewinds.cli.main import main
from tradewinds.measures.batch import neutralise

HEADER = "hts,origin,date,value,importer,usmca,us_content,steel,aluminum,quantity,unit,transshipped"
GOOD = "8703.23.0190,MEX,2025-05-01,30000,USA,1,0.4,,,,,0"
FIELDS = HEADER.split(",")


def _line(**changes: str) -> str:
    values = dict(zip(FIELDS, GOOD.split(","), strict=True))
    values.update(changes)
    return ",".join(values[f] for f in FIELDS)


@dataclass(frozen=True)
class RowCase:
    name: str
    changes: dict[str, str]
    field: str
    value: str
    says: str


ROW_CASES = [
    RowCase("usmca maybe", {"usmca": "maybe"}, "usmca", "maybe", "yes/no"),
    RowCase(
        "transshipped perhaps", {"transshipped": "perhaps"}, "transshipped", "perhaps", "yes/no"
    ),
    RowCase("us_content abc", {"us_content": "abc"}, "us_content", "abc", "not a number"),
    RowCase("us_content nan", {"us_content": "nan"}, "us_content", "nan", "between 0 and 1"),
    RowCase("us_content above 1", {"us_content": "1.2"}, "us_content", "1.2", "between 0 and 1"),
    RowCase("us_content negative", {"us_content": "-0.1"}, "us_content", "-0.1", "between 0"),
    RowCase("steel lots", {"steel": "lots"}, "steel", "lots", "not a number"),
    RowCase("steel nan", {"steel": "nan"}, "steel", "nan", "between 0 and 1"),
    RowCase("steel 150%", {"steel": "150%"}, "steel", "150%", "not a number"),
    RowCase("value inf", {"value": "inf"}, "value", "inf", "finite"),
    RowCase("value nan", {"value": "NaN"}, "value", "NaN", "finite"),
    RowCase("value negative", {"value": "-5"}, "value", "-5", "above 0"),
    RowCase("value zero", {"value": "0"}, "value", "0", "above 0"),
    RowCase("value text", {"value": "lots"}, "value", "lots", "not a number"),
    RowCase("value empty", {"value": ""}, "value", "", "empty"),
    RowCase("quantity negative", {"quantity": "-3", "unit": "each"}, "quantity", "-3", "0 or more"),
    RowCase("quantity inf", {"quantity": "inf", "unit": "each"}, "quantity", "inf", "finite"),
    RowCase("unit unknown", {"quantity": "2", "unit": "furlongs"}, "unit", "furlongs", "unknown"),
    RowCase("origin not ISO3", {"origin": "MX"}, "origin", "MX", "country"),
    RowCase("origin empty", {"origin": ""}, "origin", "", "empty"),
    RowCase("importer unknown", {"importer": "XYZ"}, "importer", "XYZ", "country code"),
    RowCase("date impossible", {"date": "2025-02-30"}, "date", "2025-02-30", "valid date"),
    RowCase("date US style", {"date": "05/01/2025"}, "date", "05/01/2025", "YYYY-MM-DD"),
    RowCase("date before 2025", {"date": "2024-12-31"}, "date", "2024-12-31", "before 2025"),
    RowCase("hts unknown", {"hts": "8703.23.0199"}, "hts", "8703.23.0199", "8703.23.01"),
    RowCase("hts malformed", {"hts": "87x3"}, "hts", "87x3", "HTS code"),
    RowCase("hts empty", {"hts": ""}, "hts", "", "empty"),
    RowCase(
        "metal shares above 1",
        {"steel": "0.8", "aluminum": "0.4"},
        "steel+aluminum+copper",
        "1.200",
        "at most 1",
    ),
]


def _run(tmp_path: Path, body: bytes | str, *extra: str) -> tuple[int, Path]:
    src = tmp_path / "lines.csv"
    if isinstance(body, str):
        src.write_text(body, encoding="utf-8")
    else:
        src.write_bytes(body)
    out = tmp_path / "out.csv"
    return main(["duty", "--batch", str(src), "--output", str(out), *extra]), out


@pytest.mark.parametrize("case", ROW_CASES, ids=[c.name for c in ROW_CASES])
def test_bad_line_is_reported_and_good_line_computed(tmp_path, capsys, case):
    code, out = _run(tmp_path, f"{HEADER}\n{GOOD}\n{_line(**case.changes)}\n")
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "1 of 2 lines" in err
    assert "lines.csv" in err
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["row"] for r in rows] == ["1"]
    assert float(rows[0]["total_duty"]) == pytest.approx(4500.0)
    with out.with_name("out.errors.csv").open() as fh:
        errors = list(csv.DictReader(fh))
    assert {e["row"] for e in errors} == {"2"}
    hit = [e for e in errors if e["field"] == case.field]
    assert hit, errors
    assert hit[0]["value"] == neutralise([case.value])[0]  # a leading "-" is quoted (OWASP)
    assert case.says in hit[0]["error"]
    assert f"row 2: {case.field}" in err


def test_unknown_origin_is_reported(tmp_path, capsys):
    code, out = _run(tmp_path, f"{HEADER}\n{GOOD}\n{_line(origin='XYZ')}\n")
    assert code == 2
    with out.with_name("out.errors.csv").open() as fh:
        errors = list(csv.DictReader(fh))
    assert [(e["row"], e["field"], e["value"]) for e in errors] == [("2", "origin", "XYZ")]


def test_every_bad_line_is_listed(tmp_path, capsys):
    body = "\n".join(
        [HEADER, _line(usmca="maybe"), GOOD, _line(value="inf", steel="lots"), _line(usmca="?")]
    )
    code, out = _run(tmp_path, body + "\n")
    assert code == 2
    with out.with_name("out.errors.csv").open() as fh:
        errors = [(e["row"], e["field"]) for e in csv.DictReader(fh)]
    assert sorted(errors) == [("1", "usmca"), ("3", "steel"), ("3", "value"), ("4", "usmca")]
    assert "3 of 4 lines" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("body", "says"),
    [
        pytest.param(HEADER + "\n", "no shipment lines", id="header only"),
        pytest.param("", "lines.csv", id="empty file"),
        pytest.param(
            (HEADER + "\n" + _line(origin="MÉX") + "\n").encode("latin-1"),
            "UTF-8",
            id="not UTF-8",
        ),
        pytest.param("hts,origin,date\n8703.23.0190,MEX,2025-05-01\n", "value", id="no value"),
        pytest.param(f"{HEADER},colour\n{GOOD},red\n", "colour", id="unknown column"),
    ],
)
def test_bad_file_gives_one_message_naming_it(tmp_path, capsys, body, says):
    code, out = _run(tmp_path, body)
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "lines.csv" in err
    assert says in err
    assert not out.exists()
    assert not out.with_name("out.errors.csv").exists()


def test_missing_and_directory_batch_files(tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert main(["duty", "--batch", str(tmp_path / "nope.csv"), "--output", str(out)]) == 2
    assert "nope.csv" in capsys.readouterr().err
    assert main(["duty", "--batch", str(tmp_path), "--output", str(out)]) == 2
    assert "not a file" in capsys.readouterr().err


def test_clean_batch_to_stdout(tmp_path, capsys):
    code, _ = _run(tmp_path, f"{HEADER}\n{GOOD}\n", "--output", "-")
    captured = capsys.readouterr()
    assert code == 0
    lines = captured.out.splitlines()
    assert lines[0].startswith("row,hts,origin,date")
    assert lines[1].startswith("1,8703230190,MEX,2025-05-01")
    assert "wrote stdout: 1 of 1 lines" in captured.err
    assert not (tmp_path / "out.errors.csv").exists()
