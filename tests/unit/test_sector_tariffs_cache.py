"""The packaged registry's sector tables are kept in the user cache; other registries never are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xarray as xr

from tradewinds.measures import registry_files, shocks
from tradewinds.measures.registry import load_registry

DATE = dt.date(2025, 9, 1)


def test_a_packaged_table_is_built_once_and_read_back_equal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("TRADEWINDS_CACHE", str(cache))
    first = shocks.sector_tariffs(DATE, sectors="one", exporters=["CAN", "CHN"])
    assert list(cache.glob("sector-tariffs-*.pickle")), "the table was not cached"

    def fail(*args: object, **kwargs: object) -> xr.DataArray:
        raise AssertionError("rebuilt although the inputs did not change")

    monkeypatch.setattr(shocks, "_sector_tariffs", fail)
    again = shocks.sector_tariffs(DATE, sectors="one", exporters=["CAN", "CHN"])
    xr.testing.assert_identical(first, again)
    # Another date is another key: it must be built.
    with pytest.raises(AssertionError, match="rebuilt"):
        shocks.sector_tariffs(dt.date(2025, 10, 15), sectors="one", exporters=["CAN", "CHN"])


def test_a_registry_with_user_files_is_never_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv("TRADEWINDS_CACHE", str(cache))
    measure = tmp_path / "extra.yaml"
    measure.write_text("programme: user_test\nmeasures: []\n")
    registry = load_registry([measure])
    assert registry is not load_registry()
    shocks.sector_tariffs(DATE, sectors="one", exporters=["CAN"], registry=registry)
    assert not list(cache.glob("sector-tariffs-*.pickle"))


def test_the_sources_cover_the_registry_and_the_weights() -> None:
    names = {p.name for p in registry_files.packaged_sources()}
    assert {"precedence.yaml", "weights_2024.csv.gz", "ieepa_reciprocal.yaml"} <= names
