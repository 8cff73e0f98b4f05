"""Scenario files v1: schema errors, registry shocks, overrides, retaliation and the digest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from tradewinds.core import dims
from tradewinds.core.errors import MeasureConflictError, ScenarioError, UnknownLabelError
from tradewinds.data.loaders import load_baseline
from tradewinds.measures.etr import point
from tradewinds.measures.registry import load_registry
from tradewinds.measures.shocks import sector_tariffs
from tradewinds.scenarios.registry_shocks import sector_mapping
from tradewinds.scenarios.retaliation import (
    CAD_PER_USD,
    COVERED_VALUE_CAD_BN,
    PARTNER_CONTENT,
    countermeasure_rates,
)
from tradewinds.scenarios.runner import build_shocks
from tradewinds.scenarios.schema import load_scenario, parse_scenario

SEP1 = dt.date(2025, 9, 1)


@pytest.fixture(scope="module")
def baseline() -> xr.Dataset:
    return load_baseline("default")


def _write(folder: Path, data: dict, name: str = "s.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _us_rate(shocks: dict, baseline: xr.Dataset, exporter: str = "CAN") -> float:
    spec = parse_scenario({"title": "t", "shocks": shocks})
    tariff, _ = build_shocks(spec, baseline)
    return float(tariff.sel(exporter=exporter, importer="USA").sum())


# --- schema errors: one clear line naming the field ---------------------------------------------


@pytest.mark.parametrize(
    ("shocks", "needle"),
    [
        ({"tariffs_as_off": "2025-09-01"}, "unknown key 'shocks.tariffs_as_off'"),
        ({"tariffs_as_of": "2025-13-01"}, "shocks.tariffs_as_of"),
        ({"tariffs_as_of": "2024-12-31"}, "before 2025-01-01"),
        ({"tariffs_as_of": SEP1, "usmca_shares": "2026"}, "shocks.usmca_shares"),
        ({"overrides": {"remove_usmca_exemption": True}}, "give 'tariffs_as_of' too"),
        ({"usmca_shares": "2024"}, "'usmca_shares' applies to 'tariffs_as_of'"),
        ({"retaliation": [{"by": "CAN"}]}, "exactly one of"),
        ({"retaliation": [{"by": "CAN", "mirror": True, "us_mfn": True}]}, "exactly one of"),
        ({"tariffs_as_of": SEP1, "overrides": {"ieepa_rate": {"USA": 0.5}}}, "ieepa_rate.USA"),
    ],
)
def test_schema_errors_are_one_line(shocks: dict, needle: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"title": "t", "shocks": shocks}, "s.yaml")
    message = str(info.value)
    assert needle in message
    assert "\n" not in message
    assert message.startswith("s.yaml: ")


def test_missing_measure_file_is_one_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "title": "t",
            "shocks": {"tariffs_as_of": SEP1, "overrides": {"measure_files": ["nope.yaml"]}},
        },
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "shocks.overrides.measure_files.0" in message
    assert "'nope.yaml' does not exist" in message
    assert str(tmp_path) in message
    assert "\n" not in message


def test_compare_against_resolves_relative_to_the_file(tmp_path: Path) -> None:
    other = _write(tmp_path, {"title": "other"}, "other.yaml")
    sub = tmp_path / "sub"
    sub.mkdir()
    spec = load_scenario(_write(sub, {"title": "a", "compare_against": "../other.yaml"}))
    assert spec.comparison_path() == other.resolve()
    compared = spec.comparison()
    assert compared is not None
    assert compared.title == "other"
    with pytest.raises(ScenarioError, match=r"compare_against: scenario file 'x\.yaml' does not"):
        load_scenario(_write(tmp_path, {"title": "a", "compare_against": "x.yaml"}))


# --- tariffs_as_of ------------------------------------------------------------------------------


def test_one_sector_shock_is_the_overall_effective_rate(baseline: xr.Dataset) -> None:
    for country in ("CAN", "MEX"):
        expected = point(country, SEP1, "2025")["effective_rate"]
        got = _us_rate({"tariffs_as_of": SEP1, "usmca_shares": "2025"}, baseline, country)
        assert got == pytest.approx(expected, abs=1e-6)


def test_only_can_mex_into_usa_change(baseline: xr.Dataset) -> None:
    spec = parse_scenario(
        {"title": "t", "shocks": {"tariffs_as_of": SEP1, "tariffs_only": ["CAN", "MEX"]}}
    )
    tariff, _ = build_shocks(spec, baseline)
    changed = (tariff != baseline[dims.TARIFF]).any(dims.SECTOR).to_series()
    pairs = {(str(e), str(i)) for (e, i), flag in changed.items() if flag}
    assert pairs == {("CAN", "USA"), ("MEX", "USA")}


def test_every_exporter_into_usa_changes(baseline: xr.Dataset) -> None:
    spec = parse_scenario({"title": "t", "shocks": {"tariffs_as_of": SEP1}})
    tariff, _ = build_shocks(spec, baseline)
    changed = (tariff != baseline[dims.TARIFF]).any(dims.SECTOR).to_series()
    pairs = {(str(e), str(i)) for (e, i), flag in changed.items() if flag}
    exporters = {str(c) for c in baseline[dims.EXPORTER].values} - {"USA"}
    assert pairs == {(e, "USA") for e in exporters}


def test_explicit_tariffs_apply_on_top(baseline: xr.Dataset) -> None:
    shocks = {
        "tariffs_as_of": SEP1,
        "tariffs": [{"importer": "USA", "exporter": "CAN", "add": 0.1}],
    }
    base = _us_rate({"tariffs_as_of": SEP1}, baseline)
    assert _us_rate(shocks, baseline) == pytest.approx(base + 0.1)


def test_removing_the_usmca_exemption_raises_the_rate(baseline: xr.Dataset) -> None:
    for country in ("CAN", "MEX"):
        with_exemption = _us_rate({"tariffs_as_of": SEP1}, baseline, country)
        without = _us_rate(
            {"tariffs_as_of": SEP1, "overrides": {"remove_usmca_exemption": True}},
            baseline,
            country,
        )
        assert without > with_exemption + 0.05


def test_scaling_a_programme_by_zero_removes_it(baseline: xr.Dataset) -> None:
    full = point("CAN", SEP1, "2025h2")
    ieepa = full["by_authority"]["ieepa"]
    assert ieepa > 0.01
    scaled = {"tariffs_as_of": SEP1, "overrides": {"scale_programmes": {"ieepa_ca": 0}}}
    assert _us_rate(scaled, baseline) == pytest.approx(full["effective_rate"] - ieepa, abs=1e-6)
    half = {"tariffs_as_of": SEP1, "overrides": {"scale_programmes": {"ieepa_ca": 0.5}}}
    assert _us_rate(half, baseline) == pytest.approx(full["effective_rate"] - ieepa / 2, abs=1e-6)


def test_unknown_programme_is_reported(baseline: xr.Dataset) -> None:
    shocks = {"tariffs_as_of": SEP1, "overrides": {"scale_programmes": {"ieepa_canada": 0}}}
    with pytest.raises(UnknownLabelError, match="ieepa_ca"):
        _us_rate(shocks, baseline)


def test_ieepa_rate_override(baseline: xr.Dataset) -> None:
    base = _us_rate({"tariffs_as_of": SEP1}, baseline)
    raised = _us_rate({"tariffs_as_of": SEP1, "overrides": {"ieepa_rate": {"CAN": 0.5}}}, baseline)
    assert raised > base + 0.005
    mex = _us_rate({"tariffs_as_of": SEP1}, baseline, "MEX")
    assert _us_rate(
        {"tariffs_as_of": SEP1, "overrides": {"ieepa_rate": {"CAN": 0.5}}}, baseline, "MEX"
    ) == pytest.approx(mex)
    with pytest.raises(ScenarioError, match="no IEEPA measure on CAN is in force on 2026-03-01"):
        _us_rate(
            {"tariffs_as_of": dt.date(2026, 3, 1), "overrides": {"ieepa_rate": {"CAN": 0.5}}},
            baseline,
        )


# --- measure files and the digest ---------------------------------------------------------------


def _measure_file(rate: float, **extra: object) -> dict:
    record = {
        "id": "test-extra-horses",
        "title": "test duty on live horses",
        "authority": "section_232",
        "programme": "test_extra",
        "legal_basis": "test",
        "imposing": "USA",
        "targets": ["CAN"],
        "scope": {"hts_prefixes": ["0101"]},
        "rate": rate,
        "effective_from": "2025-01-01",
        "sources": [{"key": "TEST"}],
    }
    record.update(extra)
    return {"programme": str(record["programme"]), "measures": [record]}


def test_measure_file_changes_rates_and_digest(tmp_path: Path, baseline: xr.Dataset) -> None:
    (tmp_path / "extra.yaml").write_text(yaml.safe_dump(_measure_file(0.5)), encoding="utf-8")
    data = {
        "title": "t",
        "shocks": {"tariffs_as_of": SEP1, "overrides": {"measure_files": ["extra.yaml"]}},
    }
    spec = load_scenario(_write(tmp_path, data))
    first = spec.digest()
    assert first == load_scenario(tmp_path / "s.yaml").digest()
    tariff, _ = build_shocks(spec, baseline)
    with_file = float(tariff.sel(exporter="CAN", importer="USA").sum())
    assert with_file > _us_rate({"tariffs_as_of": SEP1}, baseline)
    (tmp_path / "extra.yaml").write_text(yaml.safe_dump(_measure_file(0.6)), encoding="utf-8")
    edited = load_scenario(tmp_path / "s.yaml")
    assert edited.digest() != first
    tariff, _ = build_shocks(edited, baseline)  # not served from the table cache
    assert float(tariff.sel(exporter="CAN", importer="USA").sum()) > with_file


def test_conflicting_measure_file_names_both_records(tmp_path: Path, baseline: xr.Dataset) -> None:
    clash = _measure_file(
        0.3, id="my-ieepa", programme="ieepa_ca", effective_from="2025-08-01", authority="ieepa"
    )
    clash["measures"][0]["scope"] = {"hts_prefixes": [""]}
    (tmp_path / "clash.yaml").write_text(yaml.safe_dump(clash), encoding="utf-8")
    data = {
        "title": "t",
        "shocks": {"tariffs_as_of": SEP1, "overrides": {"measure_files": ["clash.yaml"]}},
    }
    spec = load_scenario(_write(tmp_path, data))
    with pytest.raises(MeasureConflictError) as info:
        build_shocks(spec, baseline)
    assert "'my-ieepa'" in str(info.value)
    assert "'ieepa-ca-35'" in str(info.value)


# --- retaliation --------------------------------------------------------------------------------


def test_mirror_equals_the_us_rate_on_the_partner(baseline: xr.Dataset) -> None:
    spec = parse_scenario(
        {
            "title": "t",
            "shocks": {
                "tariffs_as_of": SEP1,
                "retaliation": [{"by": ["CAN", "MEX"], "mirror": True}],
            },
        }
    )
    tariff, _ = build_shocks(spec, baseline)
    for partner in ("CAN", "MEX"):
        us_on_partner = float(tariff.sel(exporter=partner, importer="USA").sum())
        assert us_on_partner > 0.01
        assert float(tariff.sel(exporter="USA", importer=partner).sum()) == us_on_partner


def _canada_surtax(date: dt.date, baseline: xr.Dataset) -> float:
    spec = parse_scenario(
        {
            "title": "t",
            "shocks": {"retaliation": [{"by": "CAN", "countermeasures_as_of": date}]},
        }
    )
    tariff, _ = build_shocks(spec, baseline)
    return float(tariff.sel(exporter="USA", importer="CAN").sum())


def test_canada_countermeasures_in_and_out(baseline: xr.Dataset) -> None:
    flows = float(baseline[dims.TRADE].sel(exporter="USA", importer="CAN").sum())

    def expected(ids: list[str]) -> float:
        taxed = {"ca-surtax-autos-25": 1 - PARTNER_CONTENT}
        value = sum(0.25 * COVERED_VALUE_CAD_BN[i] * taxed.get(i, 1.0) for i in ids)
        return value * 1e3 / CAD_PER_USD / flows

    april = _canada_surtax(dt.date(2025, 4, 10), baseline)
    assert april == pytest.approx(expected(list(COVERED_VALUE_CAD_BN)))
    registry = load_registry()
    kept = {m.id for m in registry.in_force(SEP1, target="USA") if m.imposing == "CAN"}
    assert kept == {"ca-surtax-steel-aluminum-25", "ca-surtax-autos-25"}
    september = _canada_surtax(SEP1, baseline)
    assert 0 < september < april
    assert september == pytest.approx(expected(sorted(kept)))
    # Before Canada's first surtax the entry would change nothing: an error, not a zero shock.
    with pytest.raises(ScenarioError, match="no countermeasure of CAN on goods of USA"):
        _canada_surtax(dt.date(2025, 2, 1), baseline)


def test_us_mfn_proxy_is_the_us_mfn_on_the_goods(baseline: xr.Dataset) -> None:
    spec = parse_scenario(
        {
            "title": "t",
            "shocks": {"retaliation": [{"by": "CAN", "against": "MEX", "us_mfn": True}]},
        }
    )
    tariff, _ = build_shocks(spec, baseline)
    full = point("MEX", dt.date(2025, 1, 1), "none")
    assert float(tariff.sel(exporter="MEX", importer="CAN").sum()) == pytest.approx(
        full["by_authority"]["mfn"], abs=1e-6
    )


# --- multi-sector baselines ---------------------------------------------------------------------


def _wiod_baseline(labels: list[str]) -> xr.Dataset:
    codes = ["CAN", "MEX", "USA", "ROW"]
    rng = np.random.default_rng(3)
    shape = (4, 4, len(labels))
    coords = {dims.EXPORTER: codes, dims.IMPORTER: codes, dims.SECTOR: labels}
    trade = xr.DataArray(rng.uniform(1e3, 1e5, shape), dims=list(coords), coords=coords)
    data = {dims.TRADE: trade, dims.TARIFF: xr.zeros_like(trade)}
    return xr.Dataset(data, attrs={"units": "millions of current US dollars"})


def test_wiod_sector_shocks_match_the_registry_table() -> None:
    labels = [f"c{k}" for k in range(1, 36)]
    base = _wiod_baseline(labels)
    assert sector_mapping(base)[0] == "wiod"
    spec = parse_scenario({"title": "t", "shocks": {"tariffs_as_of": SEP1}})
    tariff, _ = build_shocks(spec, base)
    table = sector_tariffs(SEP1, sectors="wiod", exporters=["CAN"])
    for sector in ("c1", "c12", "c15"):
        got = float(tariff.sel(exporter="CAN", importer="USA", sector=sector))
        assert got == pytest.approx(float(table.sel(exporter="CAN", importer="USA", sector=sector)))
    assert float(tariff.sel(exporter="CAN", importer="USA", sector="c28")) == 0.0


def test_countermeasures_allocated_to_sectors_keep_the_total() -> None:
    labels = [f"c{k}" for k in range(1, 36)]
    base = _wiod_baseline(labels)
    base[dims.TRADE].loc[{dims.EXPORTER: "USA", dims.IMPORTER: "CAN"}] = 1e6
    added = countermeasure_rates("CAN", "USA", dt.date(2025, 4, 10), base, load_registry())
    flows = base[dims.TRADE].sel(exporter="USA", importer="CAN")
    collected = float((added * flows).sum())
    taxed = {"ca-surtax-autos-25": 1 - PARTNER_CONTENT}
    stated = sum(0.25 * v * taxed.get(i, 1.0) for i, v in COVERED_VALUE_CAD_BN.items())
    assert collected == pytest.approx(stated * 1e3 / CAD_PER_USD)
    assert float(added.sel(sector="c15")) > 0  # vehicles
    assert float(added.sel(sector="c28")) == 0.0  # finance: no goods


def test_unmappable_sector_set_is_a_clear_error() -> None:
    base = _wiod_baseline(["goods", "services"])
    spec = parse_scenario({"title": "t", "shocks": {"tariffs_as_of": SEP1}})
    with pytest.raises(ScenarioError, match="cannot be mapped to the measure registry"):
        build_shocks(spec, base)


def test_cp2015_sector_names_map_to_the_cp2015_set() -> None:
    from tradewinds.measures.shocks import CP2015_SECTORS

    base = _wiod_baseline([*CP2015_SECTORS, "Electricity", "Construction"])
    assert sector_mapping(base)[0] == "cp2015"
    spec = parse_scenario({"title": "t", "shocks": {"tariffs_as_of": SEP1}})
    tariff, _ = build_shocks(spec, base)
    table = sector_tariffs(SEP1, sectors="cp2015", exporters=["MEX"])
    got = float(tariff.sel(exporter="MEX", importer="USA", sector="Auto"))
    assert got == pytest.approx(float(table.sel(exporter="MEX", importer="USA", sector="Auto")))
    assert float(tariff.sel(exporter="MEX", importer="USA", sector="Construction")) == 0.0


def test_trade_cost_changes_by_sector_on_a_multi_sector_baseline() -> None:
    base = _wiod_baseline([f"c{k}" for k in range(1, 36)])
    spec = parse_scenario(
        {
            "title": "t",
            "shocks": {
                "trade_costs": [{"between": ["CAN", "MEX"], "change": -0.1, "sectors": ["c15"]}]
            },
        }
    )
    _, cost = build_shocks(spec, base)
    assert float(cost.sel(exporter="CAN", importer="MEX", sector="c15")) == pytest.approx(0.9)
    assert float(cost.sel(exporter="MEX", importer="CAN", sector="c15")) == pytest.approx(0.9)
    assert float(cost.sel(exporter="CAN", importer="MEX", sector="c14")) == 1.0
    assert float(cost.sel(exporter="CAN", importer="USA", sector="c15")) == 1.0


def test_wiod_names_of_the_packaged_table_map_to_wiod() -> None:
    import pandas as pd

    from tradewinds.scenarios.registry_shocks import SECTOR_TABLES

    path = Path(__file__).resolve().parents[2] / "src/tradewinds/defaults" / SECTOR_TABLES[0]
    table = pd.read_csv(path, dtype=str)
    names = table["name"].tolist()
    base = _wiod_baseline(names)
    set_name, relabel = sector_mapping(base)
    assert set_name == "wiod"
    assert relabel["c15"] == names[14]
    spec = parse_scenario({"title": "t", "shocks": {"tariffs_as_of": SEP1}})
    tariff, _ = build_shocks(spec, base)
    expected = sector_tariffs(SEP1, sectors="wiod", exporters=["CAN"]).sel(sector="c15")
    got = tariff.sel(exporter="CAN", importer="USA", sector=names[14])
    assert float(got) == pytest.approx(float(expected.squeeze()))


def test_countermeasures_need_a_us_dollar_baseline() -> None:
    base = _wiod_baseline(["TOTAL"])
    base.attrs["units"] = "test units"
    with pytest.raises(ScenarioError, match="in millions of US dollars"):
        countermeasure_rates("CAN", "USA", dt.date(2025, 4, 10), base, load_registry())
