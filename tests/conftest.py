"""Shared fixtures: the location of ../shared, small baselines and an isolated results store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import settings

from tradewinds.core import dims
from tradewinds.data.baseline import make_baseline

# In CI, property tests draw the same examples every run, so a red build is reproducible.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _testclient_host() -> Iterator[None]:
    """Servers answer for ``testserver``, the ``Host`` that Starlette's ``TestClient`` sends.

    Production servers answer only for their own names (``api.security.EXTRA_HOSTS`` is empty).
    """
    from tradewinds.api import security

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "EXTRA_HOSTS", ("testserver",))
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only ``shared`` folder beside the repository (``data``, ``models``, ``facts``)."""
    if not (SHARED / "data").exists():
        pytest.fail(
            f"../shared/data not found under {SHARED}; CI provides it beside the repository"
        )
    return SHARED


@pytest.fixture(scope="session")
def ld_folder(shared_data: Path) -> Path:
    """The 194-country BACI 2023 aggregate of Ignatenko et al. (2025)."""
    return shared_data / "data" / "liberation_day_ignatenko2025"


@pytest.fixture(scope="session")
def full_baseline(ld_folder: Path) -> xr.Dataset:
    """The 194-country one-sector baseline (loaded once per session)."""
    from tradewinds.data.loaders import load_liberation_day

    return load_liberation_day(ld_folder)


def small_baseline(
    n: int = 4, seed: int = 0, tariff: float = 0.0, labels: list[str] | None = None
) -> xr.Dataset:
    """A random but valid one-sector baseline with ``n`` countries (deficits implied)."""
    rng = np.random.default_rng(seed)
    flows = rng.uniform(1.0, 10.0, size=(n, n))
    flows[np.diag_indices(n)] += rng.uniform(20.0, 60.0, size=n)
    labels = labels or [f"C{k:02d}" for k in range(n)]
    coords = {dims.EXPORTER: labels, dims.IMPORTER: labels}
    trade = xr.DataArray(flows, dims=(dims.EXPORTER, dims.IMPORTER), coords=coords)
    t = np.full((n, n), tariff)
    np.fill_diagonal(t, 0.0)
    tariffs = xr.DataArray(t, dims=(dims.EXPORTER, dims.IMPORTER), coords=coords)
    return make_baseline(trade, tariffs, units="test units", year=2000, source="synthetic")


@pytest.fixture(autouse=True)
def _isolated_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own results store, so no test writes to the user's data directory."""
    path = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("TRADEWINDS_STORE", str(path))
    return path


@pytest.fixture(autouse=True)
def _terminal_width_from_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are laid out as for a pipe, whatever ``COLUMNS`` the shell running pytest exports.

    A test about widths sets ``COLUMNS`` itself (with ``monkeypatch.setenv`` or a child
    process's environment).
    """
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
