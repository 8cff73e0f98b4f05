"""Shared fixtures: the location of ../shared/data, small baselines and an isolated store."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only public data folder beside the repository."""
    path = SHARED / "data"
    if not path.exists():
        pytest.fail(f"../shared/data not found at {path}; CI provides it beside the repository")
    return path


@pytest.fixture(scope="session")
def ld_folder(shared_data: Path) -> Path:
    """The 194-country BACI 2023 aggregate of Ignatenko et al. (2025)."""
    return shared_data / "liberation_day_ignatenko2025"


@pytest.fixture(autouse=True)
def _isolated_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own results store, so no test writes to the user's data directory."""
    path = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("TRADEWINDS_STORE", str(path))
    return path
