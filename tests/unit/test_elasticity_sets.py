"""Named trade-elasticity sets: files, schema field, validation, and what reaches the model."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.data.elasticities import (
    ELASTICITY_SETS,
    elasticity_set,
    elasticity_table,
    provenance,
    set_thetas,
)
from tradewinds.data.loaders import load_baseline
from tradewinds.scenarios.grid import apply_settings
from tradewinds.scenarios.schema import MultiSectorSpec, parse_scenario

WIOD = [f"c{k}" for k in range(1, 36)]


def _scenario(**model: object) -> dict[str, object]:
    return {"title": "t", "baseline": "wiod2011", "model": {"name": "multi-sector", **model}}


@pytest.mark.parametrize("name", list(ELASTICITY_SETS))
def test_every_set_covers_the_wiod_industries_with_positive_theta(name: str) -> None:
    values = elasticity_set(name)
    assert list(values) == WIOD
    assert all(v > 0 for v in values.values())
    for row in elasticity_table(name):
        assert row["source"], f"{name} {row['wiod_code']} has no source note"
        if row["sigma"]:  # sets estimated as sigma store theta = sigma - 1
            assert float(row["sigma"]) - 1 == pytest.approx(float(row["theta"]), abs=1e-4)


def test_provenance_names_each_set_its_file_and_hash() -> None:
    record = provenance()
    assert record["built_by"].startswith("python scripts/build_elasticities.py")
    base = resources.files("tradewinds.defaults").joinpath("elasticities")
    import hashlib

    for name in ELASTICITY_SETS:
        entry = record["sets"][name]
        assert {"source", "mapping", "gives"} <= set(entry)
        data = base.joinpath(entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert "sigma" in record["sets"]["bw2006"]["gives"]
    assert "theta" in record["sets"]["cp2015"]["gives"]
    json.dumps(record)


def test_cp2015_file_is_the_wiod_default_baselines_own_theta() -> None:
    ds = load_baseline("wiod2011")
    own = dict(zip(ds["sector"].values.tolist(), ds["trade_elasticity"].values, strict=True))
    assert own == pytest.approx(elasticity_set("cp2015"), abs=1e-9)


def test_unknown_set_name_lists_the_sets() -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_scenario(elasticities="hauk"), "s.yaml")
    text = str(err.value)
    assert "s.yaml" in text
    assert "'hauk'" in text
    for name in ELASTICITY_SETS:
        assert name in text
    assert "uniform" in text


@pytest.mark.parametrize("bad", [{"uniform": 0}, {"uniform": -2}, {"uniform": 5, "x": 1}, 5])
def test_bad_uniform_is_refused(bad: object) -> None:
    with pytest.raises(ScenarioError, match="elasticities"):
        parse_scenario(_scenario(elasticities=bad))


def test_default_set_keeps_the_digest_of_older_scenarios() -> None:
    plain = parse_scenario(_scenario())
    explicit = parse_scenario(_scenario(elasticities="cp2015"))
    assert "elasticities" not in plain.canonical()["model"]
    assert plain.digest() == explicit.digest()
    other = parse_scenario(_scenario(elasticities="bw2006"))
    assert other.canonical()["model"]["elasticities"] == "bw2006"
    assert other.digest() != plain.digest()
    again = parse_scenario(other.canonical())
    assert again.digest() == other.digest()


def test_thetas_resolve_set_uniform_and_overrides() -> None:
    assert MultiSectorSpec().thetas(WIOD) is None  # the baseline's own
    assert MultiSectorSpec(theta={"c8": 3.0}).thetas(WIOD) == {"c8": 3.0}
    bw = MultiSectorSpec(elasticities="bw2006").thetas(WIOD)
    assert bw == elasticity_set("bw2006")
    mixed = MultiSectorSpec(elasticities="bw2006", theta={"c8": 3.0}).thetas(WIOD)
    assert isinstance(mixed, dict)
    assert mixed["c8"] == 3.0
    assert mixed["c1"] == elasticity_set("bw2006")["c1"]
    uniform = MultiSectorSpec.model_validate({"elasticities": {"uniform": 5}}).thetas(WIOD)
    assert uniform == dict.fromkeys(WIOD, 5.0)
    assert MultiSectorSpec(elasticities="hauk2012", theta=2.0).thetas(WIOD) == 2.0


def test_set_on_a_baseline_without_wiod_sectors_says_so() -> None:
    with pytest.raises(ScenarioError, match="WIOD industry"):
        set_thetas("bw2006", ["Agriculture", "Mining"])


def test_a_sweep_can_set_the_elasticities_field() -> None:
    base = parse_scenario(_scenario())
    changed = apply_settings(base, {"model.elasticities": {"uniform": 5}}, "grid point")
    assert changed.model.thetas(WIOD) == dict.fromkeys(WIOD, 5.0)
    with pytest.raises(ScenarioError, match="Bundled sets"):
        apply_settings(base, {"model.elasticities": "nope"}, "grid point")


def test_a_named_set_reaches_the_model_as_theta() -> None:
    from tradewinds.scenarios.runner import run_scenario

    shock = {"tariffs": [{"importer": "USA", "exporter": ["CAN", "MEX"], "rate": 0.25}]}
    named = parse_scenario({**_scenario(elasticities="bw2006"), "shocks": shock})
    explicit = parse_scenario({**_scenario(theta=elasticity_set("bw2006")), "shocks": shock})
    default = parse_scenario({**_scenario(), "shocks": shock})
    a, b, c = (run_scenario(s).country["welfare_hat"].values for s in (named, explicit, default))
    assert a == pytest.approx(b, abs=1e-12)
    assert abs(a - c).max() > 1e-4  # another set gives another answer


def test_raw_files_hash_as_recorded(shared_data: object) -> None:
    from pathlib import Path

    from tradewinds.data.loaders import file_sha256

    root = Path(str(shared_data))
    for rel, digest in provenance()["raw_files"].items():
        if rel.endswith(".csv.gz"):  # the 2024 import extract is large; hashed by the build
            continue
        assert file_sha256(root / rel) == digest, rel


def test_sigma_sets_rebuild_from_the_raw_data(shared_data: object) -> None:
    """The build script's aggregation, rerun on the raw files, gives the packaged values."""
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "scripts"))
    try:
        import build_elasticities as build
    finally:
        sys.path.remove(str(root / "scripts"))
    shared = Path(str(shared_data))
    weights = build.hs6_weights(shared)
    for name, make in (("bw2006", build.broda_weinstein), ("hauk2012", build.hauk)):
        frame, coverage = make(shared, weights)
        rebuilt = dict(zip(frame["wiod_code"], frame["theta"], strict=True))
        assert rebuilt == pytest.approx(elasticity_set(name), abs=1e-9), name
        assert coverage == {k: v for k, v in provenance()["sets"][name].items() if k in coverage}, (
            name
        )
