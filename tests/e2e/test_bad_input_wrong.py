# ruff: noqa: E501  (one case per line keeps the tables readable)
"""Silently wrong answers found by the second bad-input probe (issue 22), one case each.

Every case here once printed or wrote something wrong with exit 0: a damaged index served as
truth, an output written over its input, a shock that matched nothing, a file named for a
format it is not, user text interpreted as terminal markup. Each now gets an error or a
warning that says what happened.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tradewinds.cli.main import main
from tradewinds.store import index as store_index

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "announced-2025-02.yaml"


def _store() -> Path:
    return Path(os.environ["TRADEWINDS_STORE"])


def test_an_edited_store_index_is_not_served(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(SCENARIO)]) == 0
    first = capsys.readouterr().out
    path = _store() / store_index.INDEX_NAME
    data = json.loads(path.read_text())
    (entry,) = data["runs"].values()
    cols = entry["results"]
    rows = [
        k
        for k, (c, m) in enumerate(zip(cols["country"], cols["metric"], strict=True))
        if c == "CAN" and m == "welfare_pct"
    ]
    assert rows
    for k in rows:
        cols["value"][k] = 42.0
    path.write_text(json.dumps(data))
    assert main(["run", str(SCENARIO)]) == 0
    second = capsys.readouterr().out
    assert "served from the store" in second
    assert "42.0" not in second
    can = [line for line in first.splitlines() if "CAN" in line]
    assert can and can[0] in second  # the true row, read from DuckDB
