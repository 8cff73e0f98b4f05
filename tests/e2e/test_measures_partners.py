"""Measures on every partner: the duty of issue 20's check, timelines and the dashboard's."""

from __future__ import annotations

import pytest

from tradewinds.measures import CoverageWarning, calculate
from tradewinds.measures.registry import load_registry
from tradewinds.measures.timeline import timeline

pytestmark = pytest.mark.e2e


def _rates(result) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {layer.measure_id: layer.rate for layer in result.layers}


def test_chinese_t_shirt_pays_the_whole_stack():
    """Issue 20: MFN 16.5% + fentanyl 20% + reciprocal 10% + Section 301 List 4A 7.5%."""
    out = calculate("6109.10.0012", "CHN", "2025-09-01", 1000)
    rates = _rates(out)
    assert rates["us-mfn-hts2025"] == pytest.approx(0.165)
    assert rates["ieepa-cn-20"] == pytest.approx(0.20)
    assert rates["ieepa-recip-chn-2025-08-07"] == pytest.approx(0.10)
    assert rates["s301-cn-list4a"] == pytest.approx(0.075)
    assert sum(layer.amount for layer in out.layers) == pytest.approx(540.0)


def test_hong_kong_pays_no_section_301_and_macau_no_fentanyl():
    hk = _rates(calculate("6109.10.0012", "HKG", "2025-09-01", 1000))
    mo = _rates(calculate("6109.10.0012", "MAC", "2025-09-01", 1000))
    assert "s301-cn-list4a" not in hk
    assert "ieepa-cn-20" in hk
    assert "ieepa-cn-20" not in mo
    assert "ieepa-recip-mac-2025-08-07" in mo


@pytest.mark.parametrize(
    ("origin", "date", "rate"),
    [
        ("VNM", "2025-04-09", 0.46),  # Annex I, one day
        ("VNM", "2025-05-01", 0.10),  # suspended: the 10% baseline
        ("VNM", "2025-09-01", 0.20),  # EO 14326
        ("AUS", "2025-09-01", 0.10),  # not named in the table: rest of the world
        ("VNM", "2026-03-01", None),  # IEEPA collection ended
    ],
)
def test_reciprocal_rate_by_date(origin, date, rate):
    out = calculate("6109.10.0012", origin, date, 1000)
    recip = [layer.rate for layer in out.layers if layer.measure_id.startswith("ieepa-recip")]
    assert recip == ([] if rate is None else [pytest.approx(rate)])


def test_eu_floor_tops_up_mfn_to_fifteen_percent():
    low = calculate("6109.10.0012", "DEU", "2025-09-01", 1000)  # MFN 16.5% >= 15%: nothing
    assert _rates(low)["ieepa-recip-deu-2025-08-07"] == pytest.approx(0.0)
    car = calculate("8703.23.0190", "DEU", "2025-12-01", 1000)  # vehicle cap: 2.5% + 12.5%
    assert _rates(car)["s232-autos-eu-15"] == pytest.approx(0.125)
    assert "s232-autos-25" not in _rates(car) or _rates(car)["s232-autos-25"] == 0


def test_uk_steel_stays_at_25_percent():
    out = calculate("7208.10.1500", "GBR", "2025-09-01", 1000, metal_content={"steel": 1.0})
    assert _rates(out)["s232-steel-gbr-25"] == pytest.approx(0.25)


def test_column_2_origins_pay_the_column_2_rate():
    out = calculate("6109.10.0012", "CUB", "2025-09-01", 1000)
    assert _rates(out) == {"us-column2-hts2025": pytest.approx(0.90)}


def test_july_2026_actions_and_the_end_of_section_122():
    with pytest.warns(CoverageWarning, match="past the registry coverage date 2026-08-07"):
        can = _rates(calculate("0402.10.1000", "CAN", "2026-08-20", 1000))
    assert can.get("s338-ca-alcohol-dairy-50") == pytest.approx(0.50)
    bra = _rates(calculate("6109.10.0012", "BRA", "2026-07-24", 1000))
    assert bra["s301-br-25"] == pytest.approx(0.25)
    assert bra["s301-fl-125"] == pytest.approx(0.125)
    assert "s122-10" not in bra
    assert load_registry().coverage_date.isoformat() == "2026-08-07"


def test_timeline_answers_for_any_partner():
    ids = {r["id"] for r in timeline("CHN")}
    assert {"ieepa-cn-20", "s301-cn-list4a", "ieepa-recip-chn-2025-04-10"} <= ids


def test_dashboard_timeline_adds_a_partner():
    from tradewinds.web import queries as q

    ids = {r["id"] for r in q.timeline(partners=("CAN", "MEX", "CHN"))}
    assert "ieepa-cn-20" in ids
    assert "ieepa-cn-20" not in {r["id"] for r in q.timeline()}


def test_dashboard_overview_takes_a_partner(tmp_path):
    from pathlib import Path

    from fastapi.testclient import TestClient

    from tradewinds.api.security import Settings
    from tradewinds.server import create_app

    root = Path(__file__).resolve().parents[2]
    client = TestClient(create_app(Settings(store=tmp_path, scenario_dir=root / "scenarios")))
    page = client.get("/?partner=CHN")
    assert page.status_code == 200
    assert "ieepa-cn-20" in page.text
    assert "ieepa-cn-20" not in client.get("/").text
    assert 400 <= client.get("/?partner=XYZ").status_code < 500
