"""``etr --top`` at 80 columns: a readable table, every figure still in ``--format json``.

At 80 columns each partner lists its three largest authorities, one per line with their points,
and sums the others as ``+N more`` (before, every authority of a partner wrapped over seven
lines of one cell). The points shown for a partner add up to its total rate; ``--wide`` and the
JSON keep every authority.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tradewinds.cli.main import main
from tradewinds.reporting.tables import TOP_AUTHORITIES, authority_parts

pytestmark = pytest.mark.e2e

ARGS = ["etr", "--top", "10", "--date", "2025-10-15"]


def _json(capsys: Any) -> list[dict[str, Any]]:
    assert main([*ARGS, "--format", "json"]) == 0
    rows: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return rows


def test_top_table_at_80_columns(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    rows = _json(capsys)
    monkeypatch.setenv("COLUMNS", "80")
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "hidden at this width" not in out
    assert re.search(r"\+\d+ more", out)
    # a partner's row: its name, then one line per authority shown (at most 3 and "+N more")
    body = [line for line in lines if line.startswith("│")]
    starts = [i for i, line in enumerate(body) if re.match(r"│ [A-Z]", line)]
    assert len(starts) == len(rows)
    for k, (i, row) in enumerate(zip(starts, rows, strict=True)):
        end = starts[k + 1] if k + 1 < len(starts) else len(body)
        cells = [[c.strip() for c in line.strip("│").split("│")] for line in body[i:end]]
        assert cells[0][0] == row["country"]
        assert len(cells) <= TOP_AUTHORITIES + 1
        shown = {c[-2]: float(c[-1]) for c in cells}
        expected = authority_parts(row["by_authority"], TOP_AUTHORITIES)
        assert list(shown) == [name for name, _ in expected]
        # what is shown still adds up to the partner's total rate (each figure to 0.005 points)
        total = 100 * float(row["effective_rate"])
        assert sum(shown.values()) == pytest.approx(total, abs=0.005 * len(shown) + 0.006)
        assert cells[0][3] == f"{total:.2f}%"


def test_wide_and_json_keep_every_authority(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    rows = _json(capsys)
    assert all(len(r["by_authority"]) > TOP_AUTHORITIES for r in rows)  # the case that matters
    monkeypatch.setenv("COLUMNS", "80")
    assert main([*ARGS, "--wide"]) == 0
    out = capsys.readouterr().out
    for row in rows:
        line = next(x for x in out.splitlines() if x.startswith(f"│ {row['country']} "))
        for name, value in row["by_authority"].items():
            if value > 5e-5:
                assert f"{name} {100 * value:.2f}" in line, (row["country"], name)


def test_authority_parts_keep_the_sum() -> None:
    parts = {"a": 0.05, "b": 0.02, "c": 0.01, "d": 0.004, "e": 0.001, "f": 0.0}
    kept = authority_parts(parts, 2)
    assert kept[:2] == [("a", 0.05), ("b", 0.02)]
    assert kept[2][0] == "+3 more"
    assert sum(v for _, v in kept) == pytest.approx(sum(parts.values()))
    assert authority_parts(parts, 5) == authority_parts(parts)  # nothing to sum: all named
