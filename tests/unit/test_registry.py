"""The packaged registry: valid, cited, conflict-free; user files; coverage and date checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tradewinds.core.errors import MeasureConflictError, ScenarioError, UnknownLabelError
from tradewinds.measures import CoverageWarning, calculate, load_registry
from tradewinds.measures.sources import source_url


def test_every_record_cites_sources_with_urls_or_files():
    reg = load_registry()
    assert len(reg.measures) > 30
    for m in reg.measures:
        assert m.sources
        for s in m.sources:
            assert source_url(s.key) or s.note or s.url, (m.id, s.key)


def test_required_programmes_present():
    progs = set(load_registry().programmes())
    for p in (
        "mfn",
        "ieepa_ca",
        "ieepa_mx",
        "ieepa_ca_transship",
        "s122",
        "s232_steel",
        "s232_aluminum",
        "s232_copper",
        "s232_autos",
        "s232_auto_parts",
        "s232_wood",
        "s232_mhdv",
        "s232_mhdv_parts",
        "s232_buses",
        "adcvd_softwood_ad",
        "adcvd_softwood_cvd",
        "adcvd_tomatoes_ad",
        "ca_surtax_tranche1",
        "ca_surtax_steel_aluminum",
        "ca_surtax_autos",
        "mx_nonfta",
    ):
        assert p in progs


def test_in_force_on_2025_09_01_for_canada():
    reg = load_registry()
    ids = {m.id for m in reg.in_force(dt.date(2025, 9, 1), target="CAN")}
    assert {"ieepa-ca-35", "s232-steel-50", "s232-copper-50", "adcvd-softwood-ad-ar6"} <= ids
    assert "ieepa-ca-25" not in ids  # replaced on 2025-08-01 (half-open window)
    assert "ieepa-ca-oct-2025-plus10-announced" not in ids  # never in force


def test_canada_countermeasures_removed_2025_09_01():
    reg = load_registry()
    before = {m.id for m in reg.in_force(dt.date(2025, 8, 31), imposing="CAN")}
    after = {m.id for m in reg.in_force(dt.date(2025, 9, 1), imposing="CAN")}
    assert "ca-surtax-tranche1-25" in before
    assert "ca-surtax-tranche1-25" not in after
    assert {"ca-surtax-steel-aluminum-25", "ca-surtax-autos-25"} <= after


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "user.yaml"
    path.write_text(body)
    return path


USER = """
programme: user
measures:
  - id: {id}
    title: threatened escalation
    authority: ieepa
    programme: {programme}
    legal_basis: hypothetical
    imposing: USA
    targets: [CAN]
    scope: {{hts_prefixes: ["61"]}}
    rate: 0.5
    effective_from: {start}
    sources: [{{key: USER}}]
"""


def test_user_measure_file_is_added(tmp_path):
    path = _write(
        tmp_path, USER.format(id="user-ca-50", programme="user_threat", start="2026-02-25")
    )
    reg = load_registry([path])
    r = calculate("6109.10.0012", "CAN", "2026-03-10", 100.0, registry=reg)
    assert "user-ca-50" in {x.measure_id for x in r.layers}


def test_overlapping_user_measure_names_both_records(tmp_path):
    path = _write(tmp_path, USER.format(id="user-ca-50", programme="ieepa_ca", start="2025-09-01"))
    with pytest.raises(MeasureConflictError) as info:
        load_registry([path])
    assert "user-ca-50" in str(info.value)
    assert "ieepa-ca-35" in str(info.value)


def test_duplicate_id_is_a_conflict(tmp_path):
    path = _write(tmp_path, USER.format(id="ieepa-ca-35", programme="x_y", start="2026-09-01"))
    with pytest.raises(MeasureConflictError, match="ieepa-ca-35"):
        load_registry([path])


def test_unknown_key_in_user_file_is_one_line_error(tmp_path):
    body = USER.format(id="u1", programme="user_x", start="2026-04-01") + "    colour: red\n"
    with pytest.raises(ScenarioError, match="colour"):
        load_registry([_write(tmp_path, body)])


def test_query_past_coverage_warns_at_caller():
    # coverage moved from 2026-03-15 to 2026-07-03 with the 2026 update sheet, then to 2026-08-07
    # with the all-partners sheet (its newest source, the Yale tracker's review of 2026-08-07)
    with pytest.warns(CoverageWarning, match="coverage date 2026-08-07") as record:
        calculate("6109.10.0012", "CAN", "2026-09-01", 100.0)
    assert record[0].filename == __file__
    text = str(record[0].message)
    for question in ("Section 122", "2026-07-23", "pharmaceutical", "Section 301", "Section 338"):
        assert question in text


def test_no_warning_up_to_the_coverage_date(recwarn):
    calculate("6109.10.0012", "CAN", "2026-07-03", 100.0)
    assert not [w for w in recwarn if issubclass(w.category, CoverageWarning)]


def test_date_before_2025_is_refused():
    with pytest.raises(ScenarioError, match="before 2025-01-01"):
        calculate("6109.10.0012", "CAN", "2024-12-31", 100.0)


def test_unknown_hts_suggests_nearest_codes():
    with pytest.raises(UnknownLabelError) as info:
        calculate("8703.23.0199", "MEX", "2025-05-01", 100.0)
    assert "8703.23.01" in str(info.value)


def test_malformed_hts_is_refused():
    with pytest.raises(UnknownLabelError, match="HTS code"):
        calculate("87x3", "MEX", "2025-05-01", 100.0)


def test_content_shares_must_add_up():
    with pytest.raises(ScenarioError, match="add up"):
        calculate(
            "7308.90.9590",
            "CAN",
            "2025-07-01",
            100.0,
            metal_content={"steel": 0.8, "aluminum": 0.4},
        )


def test_user_measure_on_non_us_content(tmp_path):
    body = USER.format(id="user-ca-nonus", programme="user_nonus", start="2026-02-25").replace(
        "    rate: 0.5\n", "    rate: 0.5\n    value_basis: non_us_content\n"
    )
    reg = load_registry([_write(tmp_path, body)])
    r = calculate("6109.10.0012", "CAN", "2026-03-10", 100.0, us_content=0.3, registry=reg)
    (layer,) = [x for x in r.layers if x.measure_id == "user-ca-nonus"]
    assert layer.base_value == pytest.approx(70.0)
    assert layer.amount == pytest.approx(35.0)
