"""``tradewinds baseline list`` and ``baseline info`` of the GRAS-updated wiod2023."""

from __future__ import annotations

import json

import pytest

from tradewinds.cli.main import main
from tradewinds.data.loaders import bundled_names


def test_baseline_list_json_names_every_bundled_baseline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["baseline", "list", "--format", "json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert sorted(rows) == bundled_names()
    assert rows["wiod2023"]["year"] == 2023
    assert (rows["wiod2023"]["regions"], rows["wiod2023"]["sectors"]) == (41, 35)
    assert (rows["wiod2011"]["year"], rows["wiod2011"]["sectors"]) == (2011, 35)
    assert rows["default"]["same_as"] == ["ld2023-regions"]
    assert rows["default"]["kind"] == "one-sector"
    assert "GRAS" in rows["wiod2023"]["source"]


def test_baseline_list_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", "list"]) == 0
    out = capsys.readouterr().out
    for name in bundled_names():
        assert name in out


def test_baseline_list_rejects_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", "list", "--format", "xml"]) != 0
    assert "--format 'xml' must be 'table' or 'json'" in capsys.readouterr().err


def test_baseline_info_shows_targets_and_distances(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", "info", "wiod2023", "--wide"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the notes wrap at the console width
    assert "converged after" in out
    assert "bilateral goods trade, BACI 2023" in out
    assert "value added = GDP 2023" in out
    assert "US imports 2024 mapped HS10 -> ISIC Rev.3 -> WIOD: 99." in out


def test_baseline_info_json_carries_the_balancing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", "info", "wiod2023", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    balancing = summary["balancing"]
    assert balancing["converged"]
    kinds = {row["target"]: row for row in balancing["targets"]}
    assert kinds["us_imports"]["balanced_gap"] <= balancing["tolerance"]
    assert kinds["goods_trade"]["baseline_gap"] < 0.02


def test_baseline_info_of_an_unbalanced_baseline_has_no_balancing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["baseline", "info", "wiod2011", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["balancing"] is None
