"""Diversification: exposure by product, GE destinations, the offsetting cut and BACI demand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tradewinds.core.errors import DataError, ScenarioError, UnknownLabelError
from tradewinds.integration.diversify.exposure import (
    exposure,
    exposure_report,
    mission_group,
    ranked,
    rollup,
)
from tradewinds.integration.diversify.markets import destinations
from tradewinds.integration.diversify.products import BACI_ENV, baci_path, world_demand
from tradewinds.measures import etr

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2025, 9, 1)


@pytest.fixture(scope="module")
def can_lines() -> pd.DataFrame:
    return exposure("CAN", DAY)


def test_exposure_adds_up_to_the_effective_rate(can_lines):
    # Same machinery as `tradewinds etr`: the line duties sum to the published effective rate.
    point = etr.point("CAN", DAY)
    rate = can_lines["duty_usd"].sum() / can_lines["imports_usd"].sum()
    assert rate == pytest.approx(point["effective_rate"], abs=1e-6)


def test_exposure_rows_are_consistent(can_lines):
    assert (can_lines["duty_usd"].diff().dropna() <= 0).all()  # ranked by duty
    top = can_lines.iloc[0]
    assert top["rate"] == pytest.approx(top["duty_usd"] / top["imports_usd"])
    assert top["authority"] in etr.snapshot("CAN", DAY).duty.columns
    assert ((can_lines["usmca_share"] >= 0) & (can_lines["usmca_share"] <= 1)).all()
    assert (can_lines.loc[can_lines["duty_usd"] == 0, "authority"] == "none").all()


@pytest.mark.parametrize("by", ["hs2", "wiod", "mission"])
def test_rollups_keep_the_totals(can_lines, by):
    table = rollup(can_lines, by)
    assert table["imports_usd"].sum() == pytest.approx(can_lines["imports_usd"].sum())
    assert table["duty_usd"].sum() == pytest.approx(can_lines["duty_usd"].sum())
    assert table["lines"].sum() == len(can_lines)
    assert table["group"].is_unique


def test_mission_groups_by_longest_prefix():
    codes = pd.Series(
        ["8471300100", "8703230140", "8703800010", "8541430010", "8541100080", "0201100510",
         "4901990070", "2716000000", "9504500000", "2612100000"]
    )  # fmt: skip
    assert mission_group(codes).tolist() == [
        "ict", "advanced_manufacturing", "clean_energy", "clean_energy", "ict", "agriculture",
        "creative_industries", "other", "creative_industries", "clean_energy",
    ]  # fmt: skip


def test_exposure_report_and_sorting():
    report = exposure_report("MEX", DAY, top=5, by="hs2", sort="rate")
    rates = [r["rate"] for r in report["rows"]]
    assert len(rates) == 5
    assert rates == sorted(rates, reverse=True)
    assert {r["group"] for r in report["mission"]} >= {"agriculture", "ict", "clean_energy"}
    with pytest.raises(ScenarioError, match="--by"):
        exposure_report("MEX", DAY, by="hs4")
    with pytest.raises(ScenarioError, match="--sort"):
        ranked(exposure("MEX", DAY), "hs2", sort="size")
    with pytest.raises(UnknownLabelError):
        exposure("USA", DAY)


# --- alternative markets from the GE model -------------------------------------------------


def _records(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"country": c, "partner": p, "sector": "TOTAL", "metric": m, "value": v, "unit": "x"}
         for c, p, m, v in rows]
    )  # fmt: skip


def test_destinations_from_bilateral_records():
    records = _records(
        [("CAN", "USA", "trade", 80.0), ("CAN", "USA", "trade_pct", -20.0),
         ("CAN", "JPN", "trade", 22.0), ("CAN", "JPN", "trade_pct", 10.0),
         ("CAN", "CAN", "trade", 500.0), ("CAN", "CAN", "trade_pct", 1.0),
         ("CAN", "", "welfare_pct", -0.5)]
    )  # fmt: skip
    table = destinations(records, "can").set_index("destination")
    assert table.loc["USA", "before"] == pytest.approx(100.0)
    assert table.loc["JPN", "before"] == pytest.approx(20.0)
    assert table.loc["JPN", "share_after"] == pytest.approx(22 / 102)
    assert "CAN" not in table.index  # domestic sales are not exports
    assert table["share_before"].sum() == pytest.approx(1.0)
    with pytest.raises(UnknownLabelError):
        destinations(records, "MEX")
    with pytest.raises(DataError, match="no bilateral records"):
        destinations(records[records["partner"] == ""], "CAN")


def test_measures_divert_canadian_exports_away_from_the_us():
    from tradewinds.scenarios import load_scenario, run_scenario

    # US tariffs on Canada and Mexico only (tariffs_only): Canadian exports go elsewhere. With
    # every partner taxed (the file's default since issue 20) Canada is the low-tariff supplier
    # of the US and its exports to third countries fall instead.
    scenario = load_scenario(ROOT / "scenarios" / "measures-2025-09-01.yaml")
    only = scenario.shocks.model_copy(update={"tariffs_only": ["CAN", "MEX"]})
    eq = run_scenario(scenario.model_copy(update={"shocks": only}))
    table = destinations(eq.to_records(bilateral=True), "CAN").set_index("destination")
    assert table.loc["USA", "change_pct"] < 0
    assert (table.drop(index=["USA", "MEX"])["change_pct"] > 0).all()
    everyone = run_scenario(scenario)
    taxed = destinations(everyone.to_records(bilateral=True), "CAN").set_index("destination")
    assert taxed.loc["USA", "change_pct"] > table.loc["USA", "change_pct"]


# --- the cut with non-US partners that offsets the loss -------------------------------------


def test_offset_restores_welfare_with_cptpp_partners():
    from tradewinds.scenarios.offset import offset_cut

    result, partners = offset_cut(
        ROOT / "scenarios" / "measures-2025-09-01.yaml", "CAN", ["MEX", "CPTPP"]
    )
    assert partners == ["MEX", "GBR", "JPN"]  # the CPTPP members of the default baseline
    assert float(result.equilibrium.country["welfare_hat"].sel(country="CAN")) == pytest.approx(
        1.0, abs=1e-8
    )
    assert result.d_hat < 1  # it takes a cut, not a rise


def test_offset_partners_are_checked():
    from tradewinds.scenarios.offset import expand_partners

    known = ["CAN", "MEX", "USA", "JPN", "EU27"]
    assert expand_partners(["cptpp", "EU27"], "CAN", known) == ["JPN", "MEX", "EU27"]
    with pytest.raises(ScenarioError, match="leave USA out"):
        expand_partners(["USA"], "CAN", known)
    with pytest.raises(UnknownLabelError):
        expand_partners(["JAP"], "CAN", known)


# --- product-level markets from a BACI file --------------------------------------------------


def write_baci(folder: Path) -> Path:
    """A synthetic BACI HS6 file in CEPII's layout (t,i,j,k,v,q; v in US$ thousands)."""
    (folder / "country_codes_V202501.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n"
        "124,Canada,CA,CAN\n842,USA,US,USA\n392,Japan,JP,JPN\n276,Germany,DE,DEU\n"
        "484,Mexico,MX,MEX\n"
    )
    path = folder / "BACI_HS22_Y2023_V202501.csv"
    path.write_text(
        "t,i,j,k,v,q\n"
        "2023,124,842,760110,5000,1\n"   # to the US: excluded from world demand
        "2023,124,392,760110,1000,1\n"
        "2023,484,392,760110,3000,1\n"
        "2023,124,276,760110,500,1\n"
        "2023,484,276,870323,9000,1\n"
        "2023,392,276,870323,1000,1\n"
    )  # fmt: skip
    return path


def test_world_demand_from_a_baci_file(tmp_path):
    from tradewinds.data.loaders import read_baci_flows

    flows = read_baci_flows(write_baci(tmp_path))
    assert set(flows["exporter"]) == {"CAN", "MEX", "JPN"}
    table = world_demand(flows, ["760110", "870323", "999999"], "CAN").set_index("hs6")
    assert table.loc["760110", "world_imports_usd"] == pytest.approx(4.5e6)
    assert table.loc["760110", "country_share"] == pytest.approx(1.5e6 / 4.5e6)
    assert table.loc["760110", "top_importers"] == "JPN 89%, DEU 11%"
    assert table.loc["870323", "country_exports_usd"] == 0
    assert table.loc["999999", "world_imports_usd"] == 0


def test_baci_path_from_option_or_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(BACI_ENV, raising=False)
    assert baci_path(None) is None
    path = write_baci(tmp_path)
    monkeypatch.setenv(BACI_ENV, str(path))
    assert baci_path(None) == path
    with pytest.raises(DataError, match="does not exist"):
        baci_path(tmp_path / "missing.csv")


def test_offset_of_exports():
    from tradewinds.scenarios.offset import offset_cut

    result, partners = offset_cut(
        ROOT / "scenarios" / "measures-2025-09-01.yaml", "MEX", ["EU27"], offset="exports"
    )
    assert partners == ["EU27"]
    exports = float(result.equilibrium.country["exports_hat"].sel(country="MEX"))
    assert exports == pytest.approx(1.0, abs=1e-8)
    with pytest.raises(ScenarioError, match="welfare' or 'exports"):
        offset_cut(ROOT / "scenarios" / "measures-2025-09-01.yaml", "MEX", ["EU27"], offset="gdp")  # type: ignore[arg-type]
