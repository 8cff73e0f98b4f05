"""A scenario file read from the user cache is the scenario a fresh parse gives.

``load_scenario`` keeps the validated scenario and its canonical form in the user cache, keyed
by the file's contents and folder; its identity (the digest, the store's cache key) must not
depend on whether it came from there, an edit must be seen, and a copy with other fields must
not reuse the canonical form kept for the original.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tradewinds.core.errors import ScenarioError
from tradewinds.scenarios.identity import read_scenario_file
from tradewinds.scenarios.schema import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRADEWINDS_CACHE", str(folder))
    return folder


@pytest.mark.parametrize(
    "name", ["measures-2025-09-01", "announced-2025-02", "united-front-joint-retaliation"]
)
def test_a_cached_scenario_is_the_parsed_one(cache: Path, name: str) -> None:
    path = ROOT / "scenarios" / f"{name}.yaml"
    fresh = parse_scenario(yaml.safe_load(path.read_text()), str(path), base_dir=path.parent)
    first = load_scenario(path)  # parsed and kept
    again = load_scenario(path)  # read from the cache
    assert list(cache.glob("scenario-*.pickle"))
    for scenario in (first, again):
        assert scenario.__dict__ == fresh.__dict__  # every field (private attrs aside)
        assert scenario.canonical() == fresh.canonical()
        assert scenario.digest() == fresh.digest()
        assert scenario.base_dir == fresh.base_dir


def test_an_edit_is_seen_and_a_copy_has_its_own_identity(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("title: one\nmodel: {name: one-sector, eps: 4}\n")
    first = load_scenario(path)
    path.write_text("title: two\nmodel: {name: one-sector, eps: 5}\n")
    second = load_scenario(path)
    assert (second.title, second.canonical()["model"]["eps"]) == ("two", 5)
    assert second.digest() != first.digest()
    path.write_text("title: three\nmodel: {name: multi-sector}\nbaseline: wiod\n")
    third = read_scenario_file(path)  # what a store hit reads, before any validation
    assert (third.title, third.model_name, third.baseline) == ("three", "multi-sector", "wiod")
    assert third.digest() not in {first.digest(), second.digest()}
    assert third.scenario.title == "three"
    assert len(list(cache.glob("scenario-*.pickle"))) == 3
    copy = second.model_copy(update={"title": "three"})
    assert copy.canonical()["title"] == "three"
    assert copy.digest() != second.digest()
    changed = second.canonical()
    changed["title"] = "changed by the caller"
    assert second.canonical()["title"] == "two"


def test_a_bad_file_is_refused_every_time(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: t\nmodel: {name: one-sector, eps: -1}\n")
    for _ in range(2):
        with pytest.raises(ScenarioError, match="eps"):
            load_scenario(path)
    assert not list(cache.glob("scenario-*.pickle"))
    measure = tmp_path / "extra.yaml"
    path.write_text(
        "title: t\nshocks:\n  tariffs_as_of: 2025-09-01\n"
        "  overrides: {measure_files: [extra.yaml]}\n"
    )
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(path)
    measure.write_text("measures: []\n")
    load_scenario(path)  # kept in the cache
    measure.unlink()
    with pytest.raises(ScenarioError, match="does not exist"):  # checked on every read
        load_scenario(path)


@pytest.mark.parametrize(
    "name",
    [
        "measures-2025-09-01",
        "announced-2025-02",
        "united-front-joint-retaliation",
        "usmca-collapse",
    ],
)
def test_a_file_s_identity_is_its_scenario_s(cache: Path, name: str) -> None:
    """What a store hit reads without pydantic equals what the validated scenario says."""
    path = ROOT / "scenarios" / f"{name}.yaml"
    fresh = parse_scenario(yaml.safe_load(path.read_text()), str(path), base_dir=path.parent)
    for _ in range(2):  # parsed and kept, then from the cache
        read = read_scenario_file(path)
        assert read.digest() == fresh.digest()
        assert read.canonical() == fresh.canonical()
        assert (read.title, read.baseline, read.model_name, read.compare_against) == (
            fresh.title,
            fresh.baseline,
            fresh.model.name,
            fresh.compare_against,
        )
        assert read.comparison_path() == fresh.comparison_path()
        assert read.scenario.__dict__ == fresh.__dict__
        assert read.scenario.digest() == fresh.digest()


def test_a_file_that_reads_files_hashes_them(cache: Path, tmp_path: Path) -> None:
    """Measure files and ``compare_against`` are resolved against the file's folder."""
    (tmp_path / "other.yaml").write_text("title: other\n")
    measure = tmp_path / "extra.yaml"
    measure.write_text("measures: []\n")
    path = tmp_path / "s.yaml"
    path.write_text(
        "title: t\ncompare_against: other.yaml\nshocks:\n  tariffs_as_of: 2025-09-01\n"
        "  overrides: {measure_files: [extra.yaml]}\n"
    )
    first = read_scenario_file(path)
    before = first.digest()
    assert before == load_scenario(path).digest()
    assert set(first.inputs()) == {"measure_files_sha256", "registry_sha256"}
    other = first.comparison()
    assert other is not None
    assert other.title == "other"
    measure.write_text("measures: []\n# edited\n")  # the scenario file is unchanged
    again = read_scenario_file(path)
    assert again.digest() != before
    assert again.digest() == first.digest() == load_scenario(path).digest()  # hashed on each read


def test_a_run_of_the_file_is_the_run_of_its_scenario(cache: Path, tmp_path: Path) -> None:
    """``execute`` finds the same stored run from the file as from the validated scenario."""
    from tradewinds.scenarios.execute import execute
    from tradewinds.store import ResultsStore

    path = ROOT / "scenarios" / "announced-2025-02.yaml"
    store = ResultsStore(tmp_path / "store")
    solved = execute(read_scenario_file(path), text=path.read_text(), sink=store)
    assert not solved.cached
    served = execute(load_scenario(path), text=path.read_text(), sink=store)
    assert served.cached
    assert served.record.cache_key == solved.record.cache_key
    assert served.record.scenario_json == solved.record.scenario_json
    assert served.record.model == solved.record.model == "one-sector"
    again = execute(read_scenario_file(path), text=path.read_text(), sink=store)
    assert again.cached
    assert again.run_id == solved.run_id
