"""``tradewinds etr`` on every partner: one country, a group (EU, ALL) and the --top table."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tradewinds.cli.main import main
from tradewinds.measures import etr


def _point(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["etr", *args, "--format", "json"]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_chinese_rate_has_the_china_stack(capsys):
    out = _point(capsys, "--country", "CHN", "--date", "2025-09-01")
    parts = out["by_authority"]
    assert isinstance(parts, dict)
    assert parts["ieepa"] == pytest.approx(0.20)  # fentanyl 20% on every line
    assert 0 < parts["ieepa_reciprocal"] < 0.10  # 10% less the Annex II exceptions
    assert parts["section_301"] > 0.05


def test_group_is_the_import_weighted_mean_of_its_members():
    day = dt.date(2025, 10, 15)
    totals = etr.import_totals()
    eu = etr.point("EU", day)
    mean = sum(
        etr.point(c, day)["effective_rate"] * totals[c]  # type: ignore[operator]
        for c in etr.EU27
    ) / sum(totals[c] for c in etr.EU27)
    assert eu["effective_rate"] == pytest.approx(mean, abs=1e-5)


def test_us_wide_rate_and_its_additional_part(capsys):
    out = _point(capsys, "--country", "ALL", "--date", "2025-10-15")
    assert out["imports_2024"] == pytest.approx(sum(etr.import_totals().values()), rel=1e-6)
    parts = out["by_authority"]
    assert isinstance(parts, dict)
    total, extra = float(str(out["effective_rate"])), float(str(out["additional_rate"]))
    assert extra == pytest.approx(total - parts["mfn"], abs=2e-6)
    assert 0.10 < total < 0.25
    assert {"ieepa", "ieepa_reciprocal", "section_301", "s232_steel"} <= set(parts)


def test_no_additional_duty_before_april_2025_outside_china_canada_mexico(capsys):
    out = _point(capsys, "--country", "VNM", "--date", "2025-03-01")
    parts = out["by_authority"]
    assert isinstance(parts, dict)
    assert set(parts) <= {"mfn", "s232_steel", "s232_aluminum", "adcvd"}


def test_top_table_lists_largest_partners_and_the_lens(capsys):
    assert main(["etr", "--top", "3", "--date", "2025-10-15", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = [r["country"] for r in rows]
    assert names[:3] == ["EU", "MEX", "CHN"]  # the three largest 2024 partners
    assert "CAN" in names
    imports = [r["imports_2024"] for r in rows[:3]]
    assert imports == sorted(imports, reverse=True)


@pytest.mark.parametrize(
    "args",
    [
        ["--top", "0", "--date", "2025-10-15"],
        ["--top", "3"],
        ["--top", "3", "--date", "2025-10-15", "--country", "CAN"],
        [],
        ["--country", "ZZZ", "--date", "2025-10-15"],
    ],
)
def test_bad_partner_options_are_refused(args, capsys):
    assert main(["etr", *args]) == 2
    assert capsys.readouterr().err.strip()
