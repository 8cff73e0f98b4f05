"""Measures the registry once named as not encoded (issue 20, section 1), each checked by hand.

Every expected amount is worked out from the cited text on a customs value of US$1,000: the
MFN rate of the HTS 2025 basic edition line, plus the rates of the headings the case names.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tradewinds.measures import calculate
from tradewinds.measures.de_minimis import note as de_minimis_note
from tradewinds.measures.products import hts_universe, product_lists

pytestmark = pytest.mark.e2e


def _layers(result) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {layer.measure_id: layer.amount for layer in result.layers}


def _total(result) -> float:  # type: ignore[no-untyped-def]
    return sum(layer.amount for layer in result.layers if isinstance(layer.amount, float))


# --- Brazil: EO 14323 Annex I (U.S. note 2(x)(iii)), heading 9903.01.77 -----------------------


def test_brazil_non_exempt_t_shirt_pays_the_40_percent():
    """6109.10.0012: MFN 16.5% + reciprocal 10% (9903.02.09) + Brazil 40% = 66.5% = US$665."""
    out = calculate("6109.10.0012", "BRA", "2025-12-01", 1000)
    assert _layers(out)["ieepa-br-40-2025-11-13"] == pytest.approx(400.0)
    assert _total(out) == pytest.approx(665.0)


def test_brazil_orange_juice_is_in_annex_i_from_the_start():
    """2009.12.25 is in note 2(x)(iii)(a) and in Annex I as first issued (2025-08-06)."""
    out = calculate("2009.12.2500", "BRA", "2025-09-01", 1000, quantity=100, unit="liter")
    assert not any(k.startswith("ieepa-br") for k in _layers(out))


def test_brazil_coffee_is_exempt_only_from_2025_11_13():
    """0901.11: an agricultural addition of the EO of 2025-11-20, retroactive to 2025-11-13."""
    before = calculate("0901.11.0025", "BRA", "2025-09-01", 1000)
    after = calculate("0901.11.0025", "BRA", "2025-12-01", 1000)
    assert _layers(before)["ieepa-br-40"] == pytest.approx(400.0)  # MFN free + 40%
    assert _total(after) == pytest.approx(0.0)  # MFN free, no Brazil duty


def test_brazil_particular_article_is_exempt_when_declared():
    """Acai of 2008.99.21 (note 2(x)(iii)(b)(6), heading 9903.01.90): MFN 4.5% + 40% unless
    declared as the named article."""
    plain = calculate("2008.99.2120", "BRA", "2025-12-01", 1000)
    named = calculate("2008.99.2120", "BRA", "2025-12-01", 1000, named_article=True)
    assert _total(plain) == pytest.approx(445.0)
    assert _total(named) == pytest.approx(45.0)


def test_brazil_lists_come_from_the_note():
    lists = product_lists()
    assert "20091225" in lists["ieepa_br_annex1"]  # orange juice, original Annex I
    assert "09011100" in lists["ieepa_br_annex1_2025_11"]  # coffee, added 2025-11-13
    assert not set(lists["ieepa_br_annex1"]) & set(lists["ieepa_br_annex1_2025_11"])


# --- China: Section 301 product exclusions (U.S. note 20(vvv), (www)) ---------------------


def test_whole_line_exclusion_lifts_list_1():
    """Note 20(vvv)(i)(1) names 8483.50.9040 whole: no List 1 duty; its sibling .9080 pays 25%.

    Both: MFN 2.8% (US$28) + fentanyl 20% (US$200) + Section 232 steel derivative 50% on the
    undeclared (full) metal content (US$500); the reciprocal duty does not apply to the metal.
    """
    excluded = calculate("8483.50.9040", "CHN", "2025-10-15", 1000)
    listed = calculate("8483.50.9080", "CHN", "2025-10-15", 1000)
    assert "s301-cn-list1" not in _layers(excluded)
    assert _total(excluded) == pytest.approx(728.0)
    assert _layers(listed)["s301-cn-list1"] == pytest.approx(250.0)
    assert _total(listed) == pytest.approx(978.0)


def test_particular_product_exclusion_needs_the_declaration():
    """Pump casings of 8413.91.9085 (note 20(vvv)(i)(4)): List 1 25% unless declared."""
    plain = calculate("8413.91.9085", "CHN", "2025-10-15", 1000)
    named = calculate("8413.91.9085", "CHN", "2025-10-15", 1000, named_article=True)
    assert _layers(plain)["s301-cn-list1"] == pytest.approx(250.0)
    assert "s301-cn-list1" not in _layers(named)
    assert _total(plain) - _total(named) == pytest.approx(250.0)


def test_manufacturing_equipment_exclusions_relieve_list_2():
    named = set(product_lists()["s301_cn_excl_list2_named"])
    assert {"8486100000", "8486200000"} <= named  # note 20(www), heading 9903.88.70


# --- Column 2 (general note 3(b)) and Russia's note 30 -----------------------------------------


def test_cuban_t_shirt_pays_the_column_2_rate():
    """6109.10.00 column 2: 90% (HTS 2025 basic edition); no reciprocal duty (9903.01.29)."""
    out = calculate("6109.10.0012", "CUB", "2025-09-01", 1000)
    assert _layers(out) == {"us-column2-hts2025": pytest.approx(900.0)}
    assert out.layers[0].formula == "column 2"


def test_column_2_rates_are_read_from_the_hts():
    table = hts_universe().table.set_index("code")
    assert table.loc["61091000", "col2_ad_valorem"] == pytest.approx(0.90)
    assert table.loc["61091000", "mfn_ad_valorem"] == pytest.approx(0.165)


@pytest.mark.parametrize("date", ["2025-10-15", "2026-05-01"])
def test_russian_aluminium_pays_70_percent_and_the_200_percent(date):
    """7601.10.60 is in note 30(d): 70% (9903.90.09) replaces column 2; heading 9903.85.67 adds
    200% of the full value in place of the general aluminium duty (and, from 2026-04-06, the
    annex tiers): US$700 + US$2,000."""
    out = calculate("7601.10.6030", "RUS", date, 1000)
    layers = _layers(out)
    assert "us-column2-hts2025" not in layers
    assert layers["ru-column2-70"] == pytest.approx(700.0)
    assert layers["s232-aluminum-russia-200"] == pytest.approx(2000.0)
    assert _total(out) == pytest.approx(2700.0)


# --- Partner civil-aircraft and wood terms ----------------------------------------------------


def test_eu_civil_aircraft_part_is_freed_from_the_2026_metals_tier():
    """7304.31.30 is in note 2(v)(xxii) and Annex I-A: 50% unless declared civil aircraft."""
    plain = calculate("7304.31.3000", "DEU", "2026-05-01", 1000)
    aircraft = calculate("7304.31.3000", "DEU", "2026-05-01", 1000, civil_aircraft=True)
    assert _layers(plain)["s232-metals-annex-1a-50"] == pytest.approx(500.0)
    assert "aircraft-exempt-eu-declared" in _layers(aircraft)
    assert _total(aircraft) == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("origin", "date", "measure", "amount"),
    [
        ("DEU", "2025-11-01", "s232-wood-eu-15-allin", 150.0),  # 9903.76.22: 15% incl. MFN 0
        ("GBR", "2025-11-01", "s232-wood-gbr-10", 100.0),  # 9903.76.20: MFN + 10%
        ("KOR", "2025-11-01", "s232-upholstered-furniture-25", 250.0),  # before 2025-11-14
        ("KOR", "2025-12-01", "s232-wood-kor-15-allin", 150.0),  # 9903.76.23
        ("VNM", "2025-11-01", "s232-upholstered-furniture-25", 250.0),  # no partner heading
    ],
)
def test_partner_wood_headings_replace_the_general_25_percent(origin, date, measure, amount):
    out = calculate("9401.61.4011", origin, date, 1000)
    assert _layers(out)[measure] == pytest.approx(amount)
    assert _total(out) == pytest.approx(amount)  # MFN free; no reciprocal duty on wood


# --- De minimis --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "date", "value", "expected"),
    [
        ("CHN", "2025-04-15", 500, "could enter free"),
        ("CHN", "2025-05-02", 500, "suspended for goods of CHN from 2025-05-02"),
        ("VNM", "2025-06-15", 500, "until 2025-08-29"),
        ("CAN", "2025-08-29", 800, "suspended for goods of CAN from 2025-08-29"),
        ("VNM", "2025-06-15", 800.01, None),
    ],
)
def test_de_minimis_note(origin, date, value, expected):
    text = de_minimis_note(origin, "USA", dt.date.fromisoformat(date), value)
    if expected is None:
        assert text is None
    else:
        assert text is not None
        assert expected in text


def test_duty_of_a_low_value_shipment_says_whether_de_minimis_applied():
    out = calculate("6109.10.0012", "CHN", "2025-04-15", 500)
    assert any(n.startswith("De minimis") and "until 2025-05-02" in n for n in out.notes)
    assert not any(
        "De minimis" in n for n in calculate("6109.10.0012", "CHN", "2025-04-15", 900).notes
    )


# --- Partner pharmaceutical caps (announced with the general records) --------------------------


def _activated(*ids: str):  # type: ignore[no-untyped-def]
    from tradewinds.measures.registry import load_registry
    from tradewinds.scenarios.registry_shocks import apply_overrides
    from tradewinds.scenarios.schema import RegistryOverrides

    return apply_overrides(load_registry(), RegistryOverrides(activate=list(ids)), None)


def test_pharma_partner_caps_replace_the_100_percent_when_turned_on():
    """3004.90.92 (MFN free), 2026-08-05: general 100% (Annex III companies, 9903.04.60);
    Germany 15% all-in (9903.04.62); the UK 0% (9903.04.63, as corrected by HTS rev_15)."""
    registry = _activated(
        "s232-pharma-100-annex-iii-companies", "s232-pharma-partners-15-allin", "s232-pharma-gbr-0"
    )
    kw = {"registry": registry}
    ind = _layers(calculate("3004.90.9291", "IND", "2026-08-05", 1000, **kw))
    deu = _layers(calculate("3004.90.9291", "DEU", "2026-08-05", 1000, **kw))
    gbr = _layers(calculate("3004.90.9291", "GBR", "2026-08-05", 1000, **kw))
    assert ind["s232-pharma-100-annex-iii-companies"] == pytest.approx(1000.0)
    # a Section 232 article: no Section 301 forced-labour duty either (its named gap stays)
    assert {k: v for k, v in deu.items() if v} == {"s232-pharma-partners-15-allin": 150.0}
    assert "s232-pharma-100-annex-iii-companies" not in deu
    assert {k: v for k, v in gbr.items() if v} == {}
    assert "s232-pharma-gbr-0" in gbr


def test_pharma_partner_caps_do_not_apply_by_default():
    layers = _layers(calculate("3004.90.9291", "DEU", "2026-08-05", 1000))
    assert not any(k.startswith("s232-pharma") for k in layers)
