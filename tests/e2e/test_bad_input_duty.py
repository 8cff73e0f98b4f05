"""Bad or hostile input to ``tradewinds duty`` and ``/api/v1/duty`` (issue 22, duty items).

Each case gets one clear message and a non-zero exit code (or a 4xx), writes nothing silently
wrong, and leaves no stale or truncated file behind.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import Settings
from tradewinds.cli.main import main
from tradewinds.measures import calculate
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

HEADER = "hts,origin,date,value"
GOOD = "8703.23.0190,JPN,2025-06-01,30000"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))


def _batch(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "lines.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_huge_value_is_refused_with_its_row(tmp_path, capsys):
    batch = _batch(tmp_path, GOOD, "8703.23.0190,JPN,2025-06-01,1e308")
    out = tmp_path / "out.csv"
    code, err = _run(capsys, "duty", "--batch", str(batch), "--output", str(out))
    assert code == 2
    assert "row 2" in err
    assert "inf" not in out.read_text()
    assert len(out.read_text().strip().splitlines()) == 2  # header and the good line


def test_huge_value_refused_for_one_shipment(capsys):
    code, err = _run(
        capsys, "duty", "--hts", "8703.23.0190", "--origin", "JPN", "--date", "2025-06-01",
        "--value", "1e308",
    )  # fmt: skip
    assert code == 2
    assert "value" in err


def test_a_metal_given_twice_is_refused(capsys):
    code, err = _run(
        capsys, "duty", "--hts", "7308.90.9590", "--origin", "CAN", "--date", "2025-09-01",
        "--value", "1000", "--metal-content", "steel=0.2", "--metal-content", "steel=0.9",
    )  # fmt: skip
    assert code == 2
    assert "given twice" in err


def test_rates_come_from_unrounded_amounts():
    # 25% of US$0.50 is 0.125: rounded to 0.12 first, the rate read 24%
    result = calculate("8703.23.0190", "JPN", "2025-06-01", 0.5).to_dict()
    assert result["additional_rate"] == 0.25


def test_goods_of_the_importer_are_refused(capsys, client):
    code, err = _run(
        capsys, "duty", "--hts", "8703.23.0190", "--origin", "USA", "--date", "2025-06-01",
        "--value", "1000",
    )  # fmt: skip
    assert code == 2
    assert "importing country itself" in err
    line = {"hts": "8703.23.0190", "origin": "USA", "date": "2025-06-01", "value": 1000}
    response = client.post("/api/v1/duty", json=line)
    assert response.status_code == 422
    assert "importing country itself" in response.text


def test_usmca_claim_needs_a_usmca_origin(capsys):
    code, err = _run(
        capsys, "duty", "--hts", "8703.23.0190", "--origin", "CHN", "--date", "2025-06-01",
        "--value", "1000", "--usmca",
    )  # fmt: skip
    assert code == 2
    assert "USMCA" in err
    assert "CHN" in err


def test_hts_beside_batch_and_output_without_batch_are_refused(tmp_path, capsys):
    batch = _batch(tmp_path, GOOD)
    out = tmp_path / "out.csv"
    code, err = _run(
        capsys, "duty", "--batch", str(batch), "--output", str(out), "--hts", "8703.23.0190"
    )
    assert code == 2
    assert "--hts" in err
    assert not out.exists()
    code, err = _run(
        capsys, "duty", "--hts", "8703.23.0190", "--origin", "JPN", "--date", "2025-06-01",
        "--value", "1000", "--output", str(out),
    )  # fmt: skip
    assert code == 2
    assert "--output" in err
    assert not out.exists()


def test_output_over_the_input_is_refused(tmp_path, capsys):
    batch = _batch(tmp_path, GOOD)
    before = batch.read_bytes()
    code, err = _run(capsys, "duty", "--batch", str(batch), "--output", str(batch))
    assert code == 2
    assert "input" in err
    assert batch.read_bytes() == before


def test_xlsx_output_is_a_workbook_and_other_suffixes_are_refused(tmp_path, capsys):
    from openpyxl import load_workbook

    batch = _batch(tmp_path, GOOD)
    out = tmp_path / "d.xlsx"
    code, _ = _run(capsys, "duty", "--batch", str(batch), "--output", str(out))
    assert code == 0
    rows = list(load_workbook(out)["duties"].iter_rows(values_only=True))
    assert rows[0][:2] == ("row", "hts")
    assert rows[1][7] == pytest.approx(
        calculate("8703.23.0190", "JPN", "2025-06-01", 30000).total_duty
    )
    code, err = _run(capsys, "duty", "--batch", str(batch), "--output", str(tmp_path / "d.txt"))
    assert code == 2
    assert ".xlsx" in err
    assert not (tmp_path / "d.txt").exists()


def test_stale_errors_file_is_removed(tmp_path, capsys):
    out = tmp_path / "out.csv"
    errors = tmp_path / "out.errors.csv"
    code, _ = _run(
        capsys, "duty", "--batch", str(_batch(tmp_path, GOOD, "bad,JPN,2025-06-01,1")),
        "--output", str(out),
    )  # fmt: skip
    assert code == 2
    assert errors.exists()
    code, _ = _run(capsys, "duty", "--batch", str(_batch(tmp_path, GOOD)), "--output", str(out))
    assert code == 0
    assert not errors.exists()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_echoed_values_are_neutralised(tmp_path, capsys, start):
    value = f'{start}HYPERLINK("http://x")'
    quoted = '"' + value.replace('"', '""') + '"'
    out = tmp_path / "out.csv"
    batch = _batch(tmp_path, GOOD, f"{quoted},JPN,2025-06-01,1")
    code, _ = _run(capsys, "duty", "--batch", str(batch), "--output", str(out))
    assert code == 2
    with (tmp_path / "out.errors.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_long_fields_are_bounded(tmp_path, capsys, client):
    huge = "8" * 2_000_000
    out = tmp_path / "out.csv"
    code, err = _run(
        capsys, "duty", "--batch", str(_batch(tmp_path, GOOD, f"{huge},JPN,2025-06-01,1")),
        "--output", str(out),
    )  # fmt: skip
    assert code == 2
    assert "at most 64" in err
    assert len((tmp_path / "out.errors.csv").read_text()) < 1000
    response = client.post(  # under the body limit (which answers 413 above it)
        "/api/v1/duty/batch",
        content=f"{HEADER}\n{GOOD}\n{huge[:1_000_000]},JPN,2025-06-01,1\n",
        headers={"content-type": "text/csv"},
    )
    assert response.status_code == 200
    assert "at most 64" in response.text
    assert len(response.text) < 2000
    single = client.post(
        "/api/v1/duty",
        json={"hts": huge[:1_000_000], "origin": "JPN", "date": "2025-06-01", "value": 1},
    )
    assert single.status_code == 422


def test_output_a_folder_or_unwritable(tmp_path, capsys):
    batch = _batch(tmp_path, GOOD)
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    code, err = _run(capsys, "duty", "--batch", str(batch), "--output", str(folder))
    assert code == 2
    assert "directory" in err
    if os.geteuid() == 0:
        return  # root writes anywhere: the read-only case cannot be made here
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, err = _run(capsys, "duty", "--batch", str(batch), "--output", str(locked / "o.csv"))
        assert code == 2
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_canadian_electricity_is_not_in_the_energy_list(capsys):
    """2716.00.0000 pays 35% on 2025-09-01 (heading 9903.01.13 does not list electricity).

    The 10% energy rate covers "crude oil, natural gas, lease condensates, natural gas liquids,
    refined petroleum products, uranium, coal, biofuels, geothermal heat, the kinetic movement
    of flowing water, and critical minerals" (HTSUS 2026 rev. 6, heading 9903.01.13; CBP's list
    of CSMS 64472173 as packaged by the Budget Lab has no heading 2716). Electricity that
    qualifies under USMCA pays no IEEPA duty at all.
    """
    code = main(
        ["duty", "--hts", "2716.00.0000", "--origin", "CAN", "--date", "2025-09-01",
         "--value", "1000", "--format", "json"]
    )  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert [x["measure_id"] for x in out["layers"] if x["authority"] == "ieepa"] == ["ieepa-ca-35"]
    assert out["additional_rate"] == 0.35
    claimed = calculate("2716.00.0000", "CAN", "2025-09-01", 1000, usmca=True)
    assert claimed.additional_duty == 0.0


def test_api_refuses_unknown_keys(client):
    line = {"hts": "8703.23.0190", "origin": "JPN", "date": "2025-06-01", "value": 1000}
    response = client.post("/api/v1/duty", json={**line, "colour": "red"})
    assert response.status_code == 422
    assert "colour" in response.text
