"""What a new user sees at 80 (and 60) columns: whole ids, named sectors, progress, reports.

Each test drives ``tradewinds.cli.main.main`` with ``COLUMNS`` set, as a terminal of that width
would; the console honours ``COLUMNS`` even when output is captured.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from pathlib import Path

import pandas as pd
import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ANNOUNCED = str(ROOT / "scenarios" / "announced-2025-02.yaml")
WIOD = str(ROOT / "scenarios" / "wiod-25pct-can-mex-goods.yaml")
THREAT = str(ROOT / "scenarios" / "threat-escalation.yaml")


def _lines_fit(text: str, width: int) -> bool:
    """Every table line (box-drawing rows) is at most ``width`` characters."""
    rows = [ln for ln in text.splitlines() if ln[:1] in "┏┃┡│└├"]
    return bool(rows) and all(len(ln) <= width for ln in rows)


@pytest.mark.parametrize("width", [80, 60])
def test_measures_list_keeps_every_id_and_date_whole(
    width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["measures", "list", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(["measures", "list"]) == 0
    shown = capsys.readouterr().out
    cells = set(re.findall(r"[\w.~%-]+", shown))
    for m in records:
        assert m["id"] in cells, m["id"]
        assert m["effective_from"] in cells
        assert (m["effective_to"] or "open") in cells
    assert "--wide shows every column" in " ".join(shown.split())
    assert main(["measures", "list", "--wide"]) == 0
    wide = capsys.readouterr().out
    assert "section_232" in wide
    assert "hidden at this width" not in wide


@pytest.mark.parametrize("width", [80, 60])
def test_results_list_prints_whole_run_ids(
    width: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    assert main(["run", ANNOUNCED, "--store", store]) == 0
    run_id = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("run id"))
    run_id = run_id.split()[2]
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(["results", "list", "--store", store]) == 0
    shown = capsys.readouterr().out
    assert run_id in shown
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", shown)  # the full timestamp
    assert _lines_fit(shown, width)


def test_print_table_never_cuts_a_key_column(capsys: pytest.CaptureFixture[str]) -> None:
    """A table wider than the console, even after dropping, is printed wider instead of cut."""
    from rich.console import Console
    from rich.table import Table

    from tradewinds.cli._display import print_table

    table = Table()
    table.add_column("id", no_wrap=True)
    table.add_column("note")
    table.add_column("extra")
    long_id = "s232-aluminum-derivatives-2025-08-and-some-more-characters-here"
    table.add_row(long_id, "a description that wraps over several lines", "secondary")
    print_table(Console(width=40), table, drop=("extra",))
    shown = capsys.readouterr().out
    assert long_id in shown
    assert "hidden at this width: extra" in shown


def test_headline_shows_partners_then_largest_economies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = tmp_path / "r.csv"
    assert main(["run", ANNOUNCED, "--no-store", "-o", str(out)]) == 0
    shown = capsys.readouterr().out
    assert _lines_fit(shown, 80)
    rows = [ln.split("│")[1].strip() for ln in shown.splitlines() if ln.startswith("│")]
    records = pd.read_csv(out, keep_default_na=False)
    income = records.query("metric == 'income'").set_index("country")["value"]
    rest = income.drop(index=["CAN", "MEX", "USA"]).sort_values(ascending=False)
    assert rows == ["CAN", "MEX", "USA", *rest.index]
    assert main(["run", ANNOUNCED, "--no-store", "--sort", "welfare_pct"]) == 0
    rows = [ln.split("│")[1].strip() for ln in capsys.readouterr().out.splitlines() if "│" in ln]
    welfare = records.query("metric == 'welfare_pct'").set_index("country")["value"]
    assert rows[3:] == list(welfare.drop(index=["CAN", "MEX", "USA"]).sort_values().index)
    assert main(["run", ANNOUNCED, "--no-store", "--sort", "welfare"]) == 2
    assert "welfare_pct" in capsys.readouterr().err  # did you mean


def test_multisector_run_names_sectors_and_closure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = tmp_path / "wiod.csv"
    assert main(["run", WIOD, "--no-store", "-o", str(out)]) == 0
    shown = capsys.readouterr().out
    flat = " ".join(shown.split())
    assert "Sectors that gain and lose most" in shown
    assert "transport equipment" in flat
    assert "closure balanced" in flat
    assert "exports % equal its imports %" in flat
    assert _lines_fit(shown, 80)
    records = pd.read_csv(out)
    assert list(records.columns[:4]) == ["country", "partner", "sector", "sector_name"]
    names = dict(zip(records["sector"], records["sector_name"], strict=True))
    assert names["c15"] == "transport equipment"
    assert names["TOTAL"] == "all sectors"
    # The table's losers for Canada are the three lowest output changes in the records.
    output = records.query("country == 'CAN' and metric == 'gross_output_pct'")
    worst = output.nsmallest(3, "value")["sector"].tolist()
    can = shown[shown.index("Sectors that gain") :]
    for code in worst:
        assert re.search(rf"│ {code}\s+│", can)


def test_etr_by_sector_prints_and_returns_the_breakdown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ["etr", "--country", "MEX", "--date", "2025-09-01", "--by", "wiod"]
    assert main(args) == 0
    shown = capsys.readouterr().out
    assert "Effective rate by wiod sector on 2025-09-01" in shown
    assert "transport equipment" in shown
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    sectors = {s["sector"]: s for s in data["by_sector"]}
    assert sectors["c15"]["sector_name"] == "transport equipment"
    # The import-weighted mean of sector rates is the overall rate (same weights, same duties).
    mean = sum(s["effective_rate"] * s["import_share"] for s in data["by_sector"])
    assert mean == pytest.approx(data["effective_rate"], abs=1e-5)
    assert sum(s["import_share"] for s in data["by_sector"]) == pytest.approx(1.0, abs=1e-5)
    assert main(["etr", "--country", "CAN", "--from", "2025-08-01", "--by", "hs2"]) == 0
    assert "Effective rate by hs2 sector on" in capsys.readouterr().out


def test_nash_progress_and_tolerance_in_table_units(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["strategy", "nash", ANNOUNCED]) == 0
    captured = capsys.readouterr()
    flat = " ".join(captured.out.split())
    assert "no player gains more than 1e-05 pp of welfare" in flat  # --tol 1e-7 = 1e-5 pp
    assert "equilibrium when every gain <= 1e-05 pp" in flat
    assert re.search(r"tariff war: \d+ best responses in [\d.]+ s", captured.err)
    assert "━" not in captured.err  # no bar drawn when stderr is not a terminal


def test_united_front_legend_and_draw_progress(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["strategy", "united-front", THREAT, "--draws", "2"]) == 0
    captured = capsys.readouterr()
    flat = " ".join(captured.out.split())
    assert "best unil. = best unilateral alternative" in flat
    assert "disagr. = disagreement payoff" in flat
    assert "elasticity draws: 2 of 2 draws in" in captured.err


def test_progress_callbacks_in_the_library() -> None:
    """``progress(done, total)`` as the API helper will use it: draws count up to the total."""
    from tradewinds.policy.parallel import map_with_progress, serial_map

    calls: list[tuple[int, int | None]] = []
    out = map_with_progress(
        serial_map, lambda x: 2 * x, [1, 2, 3], lambda d, t: calls.append((d, t)), 0, 3
    )
    assert out == [2, 4, 6]
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_baseline_info_names_gross_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["baseline", "info", "wiod2011"]) == 0
    shown = capsys.readouterr().out
    assert "gross" in shown
    assert "output" in shown
    assert "(value added)" in shown
    assert "income" not in shown.split("largest economies")[1].split("└")[0]
    assert _lines_fit(shown, 80)
    assert main(["baseline", "info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "one-sector"
    assert "domestic_absorption_clipped_to_zero" in data["provenance"]
    assert any("GMB" in n and "MHL" in n for n in data["data_notes"])


def test_wiod_gross_output_matches_the_wiot(shared_data: Path) -> None:
    """The baseline's gross output (row sums of its flows) against WIOT 2011's output column.

    WIOD 2013 release, WIOT 2011 ``wiot2011_gross_output.csv`` (US$ millions). The baseline sets
    43 negative final-demand totals and one value-added cell to zero (its provenance), so the
    two differ slightly: 0.06% for CAN, MEX and the USA and 0.03% worldwide, measured; the
    tolerance 0.1% leaves room for rounding in the published column and nothing more.
    """
    from tradewinds.data import income, load_baseline

    path = shared_data / "data" / "wiod2013_release_2011" / "wiot2011_gross_output.csv"
    published: dict[str, float] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            country = row["country_industry"].split("_")[0].upper()
            published[country] = published.get(country, 0.0) + float(row["gross_output"])
    ours = income(load_baseline("wiod2011"))
    for country in ("CAN", "MEX", "USA"):
        assert float(ours.sel(exporter=country)) == pytest.approx(published[country], rel=1e-3)
    assert float(ours.sum()) == pytest.approx(sum(published.values()), rel=1e-3)


def test_exports_above_gdp_is_not_printed_on_every_load(
    ld_folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tradewinds.data import load_baseline

    with caplog.at_level(logging.WARNING, logger="tradewinds"):
        ds = load_baseline(ld_folder)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert sorted(json.loads(ds.attrs["provenance"])["domestic_absorption_clipped_to_zero"]) == [
        "GMB",
        "MHL",
    ]


def test_report_goes_to_the_store_with_tables_and_solver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s"
    monkeypatch.chdir(tmp_path)
    assert main(["run", WIOD, "--store", str(store)]) == 0
    run_id = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("run id"))
    run_id = run_id.split()[2]
    assert main(["report", run_id, "--store", str(store)]) == 0
    said = " ".join(capsys.readouterr().out.split())
    path = store / "reports" / f"report-{run_id}.html"
    assert f"Wrote {path}" in said
    assert not list(tmp_path.glob("report-*.html"))  # nothing in the current directory
    page = path.read_text(encoding="utf-8")
    for needle in (
        "Headline results",
        "Sectors that gain and lose most",
        "transport equipment",
        "Solver report",
        "converged after",
        "closure: balanced",  # the scenario text as written
    ):
        assert needle in page


def test_policy_progress_callbacks_count_solves_and_best_responses() -> None:
    """The callbacks the API reuses: solves for an optimum, best responses for a war."""
    from tradewinds.policy.nash import nash_tariffs
    from tradewinds.policy.optimal import optimal_tariffs
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.strategy import tariff_problem

    problem, _ = tariff_problem(load_scenario(ANNOUNCED))
    solves: list[tuple[int, int | None]] = []
    result = optimal_tariffs(
        problem, [problem.instrument("MEX", None)], progress=lambda d, t: solves.append((d, t))
    )
    done = [d for d, _ in solves]
    assert done == sorted(done)
    assert 0 < done[-1] <= result.evaluations
    assert {t for _, t in solves} == {None}
    steps: list[int] = []
    players = ["USA", "CAN", "MEX"]
    war = nash_tariffs(
        problem,
        [problem.instrument(p, [q for q in players if q != p]) for p in players],
        progress=lambda d, t: steps.append(d),
    )
    assert steps[-1] == 3 * len(war.path)  # one per player and round


@pytest.mark.parametrize("width", [80, 60])
def test_scenarios_list_and_duty_keep_names_whole(
    width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.chdir(ROOT)
    assert main(["scenarios", "list"]) == 0
    shown = capsys.readouterr().out
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert path.name in shown
    args = ["duty", "--hts", "8703.23.0190", "--origin", "CAN", "--date", "2025-09-01"]
    args += ["--value", "30000"]
    assert main([*args, "--format", "json"]) == 0
    layers = json.loads(capsys.readouterr().out)["layers"]
    assert main(args) == 0
    shown = capsys.readouterr().out
    for layer in layers:
        assert layer["measure_id"] in shown
        assert f"{layer['amount']:,.2f}" in shown


def test_results_show_repeats_the_baseline_data_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    assert main(["run", ANNOUNCED, "--store", store]) == 0
    run = capsys.readouterr().out
    assert "GMB" not in run  # not on every run ...
    run_id = next(ln for ln in run.splitlines() if ln.startswith("run id")).split()[2]
    assert main(["results", "show", run_id, "--store", store]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "baseline data note: exports exceed GDP for GMB, MHL" in shown  # ... but recorded


def _first_column(text: str) -> list[str]:
    """The first cell of every table row that has one (continuation lines have none)."""
    cells = [ln.split("│")[1].strip() for ln in text.splitlines() if ln.startswith("│")]
    return [c for c in cells if c]


def test_compare_orders_like_the_run_and_keeps_numbers_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    joint = str(ROOT / "scenarios" / "announced-2025-02-joint-retaliation.yaml")
    out = tmp_path / "diff.csv"
    assert main(["compare", ANNOUNCED, joint, "--no-store", "-o", str(out)]) == 0
    shown = capsys.readouterr().out
    assert _lines_fit(shown, 80)
    diff = pd.read_csv(out, keep_default_na=False)
    income = diff.query("metric == 'income'").set_index("country")["b"]
    rest = income.drop(index=["CAN", "MEX", "USA"]).sort_values(ascending=False)
    assert _first_column(shown) == ["CAN", "MEX", "USA", *rest.index]
    welfare = diff.query("metric == 'welfare_pct'").set_index("country")["difference"]
    for country, value in welfare.items():
        assert re.search(rf"│ {country}\s+│\s+{re.escape(f'{value:+.3f}')} │", shown)
    assert main(["compare", ANNOUNCED, joint, "--no-store", "--sort", "country"]) == 0
    rows = _first_column(capsys.readouterr().out)
    assert rows[3:] == sorted(rows[3:])
    assert main(["compare", ANNOUNCED, joint, "--no-store", "--sort", "welfare_pct"]) == 0
    assert _first_column(capsys.readouterr().out)[3:] == list(
        welfare.drop(index=["CAN", "MEX", "USA"]).sort_values().index
    )


def test_montecarlo_bands_ordered_by_size_and_wide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = tmp_path / "bands.csv"
    args = ["montecarlo", ANNOUNCED, "-n", "3", "--workers", "0", "--no-store"]
    assert main([*args, "-o", str(out)]) == 0
    shown = capsys.readouterr().out
    assert _lines_fit(shown, 80)
    bands = pd.read_csv(out, keep_default_na=False).query("partner == '' and sector == 'TOTAL'")
    income = bands.query("metric == 'income'").set_index("country")["p50"]
    rest = income.drop(index=["CAN", "MEX", "USA"]).sort_values(ascending=False)
    assert _first_column(shown) == ["CAN", "MEX", "USA", *rest.index]
    welfare = bands.query("metric == 'welfare_pct'").set_index("country")
    for country in ("CAN", "USA"):
        low, high = welfare.loc[country, "p05"], welfare.loc[country, "p95"]
        assert f"[{low:+.3f}, {high:+.3f}]" in shown
    assert "hidden at this width: imports %" in shown
    assert main([*args, "--wide"]) == 0
    wide = capsys.readouterr().out
    assert "imports %" in wide
    assert "hidden at this width" not in wide


def test_sweep_table_keeps_settings_and_numbers_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    args = ["sweep", ANNOUNCED, "--set", "model.eps=2,4", "--set", "model.closure=fixed,balanced"]
    assert main([*args, "--workers", "0", "--no-store"]) == 0
    shown = capsys.readouterr().out
    rows = [ln for ln in shown.splitlines() if ln.startswith("│")]
    assert len(rows) == 4
    for row in rows:
        cells = [c.strip() for c in row.split("│")[1:-1]]
        assert cells[1] in {"fixed", "balanced"}
        assert cells[2] in {"2", "4"}
        assert all(re.fullmatch(r"[+-]\d+\.\d{3}", c) for c in cells[-3:]), row
    assert main([*args, "--workers", "0", "--no-store", "--wide"]) == 0


def test_replicate_nafta_table_fits_80_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["replicate", "cp2015-nafta"]) == 0
    shown = capsys.readouterr().out
    assert _lines_fit(shown, 80)
    assert "--wide shows every column" in " ".join(shown.split())
    rows = [ln for ln in shown.splitlines() if ln.startswith("│")]
    assert _first_column(shown) == ["CAN", "MEX", "USA"]
    for row in rows:  # each cell is our figure and the paper's, both whole
        for cell in row.split("│")[2:-1]:
            assert re.fullmatch(r"\s*[+-]\d+\.\d+ \([+-][\d.]+\)\s*", cell), row
    assert main(["replicate", "cp2015-nafta", "--wide"]) == 0
    wide = capsys.readouterr().out
    assert "real income" in wide
    assert "hidden at this width" not in wide


@pytest.mark.slow
def test_root_help_without_command_modules_matches_the_full_app(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``tradewinds --help`` from the table of ``cli._help`` is the full app's help, verbatim."""
    import importlib
    import subprocess
    import sys

    import typer

    from tradewinds.cli import main as cli

    # The full app as a fresh process builds it: every module, in COMMAND_MODULES order (the
    # module-level app of this process holds whatever commands earlier tests registered).
    fresh = typer.Typer(**cli.APP_SETTINGS)
    fresh.callback()(cli._root)
    for name in cli.COMMAND_MODULES:
        importlib.import_module(f"tradewinds.cli.{name}").register(fresh)
    monkeypatch.setenv("COLUMNS", "100")
    for args in (["--help"], [], ["-v"]):
        code = cli.main(args)
        lazy = capsys.readouterr()
        with pytest.raises(SystemExit) as full:
            fresh(args=args, prog_name="tradewinds")
        assert code == full.value.code
        assert (lazy.out, lazy.err) == tuple(capsys.readouterr())
    probe = (
        "import sys\nfrom tradewinds.cli.main import main, COMMAND_MODULES\n"
        "try:\n    main(['--help'])\nfinally:\n"
        "    print([m for m in COMMAND_MODULES if 'tradewinds.cli.' + m in sys.modules])"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_sector_movers_empty_for_one_sector_records() -> None:
    """A one-sector run has no sector output records, so no movers (and no export sums)."""
    from tradewinds.reporting.sectors import sector_movers
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import execute

    records = execute(load_scenario(ANNOUNCED)).records
    assert "trade" in set(records["metric"])  # bilateral flows are there ...
    assert sector_movers(records, ("CAN", "MEX", "USA")).empty  # ... but no sector results


@pytest.mark.slow
@pytest.mark.parametrize(
    "env",
    [
        {"COLUMNS": "100"},
        {"COLUMNS": "60"},
        {"COLUMNS": "80", "FORCE_COLOR": "1"},
        {"TERMINAL_WIDTH": "70", "PY_COLORS": "1"},
        {"COLUMNS": "90", "FORCE_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"},
    ],
)
def test_root_help_without_typer_matches_typer_byte_for_byte(env: dict[str, str]) -> None:
    """The executable's root help (rich alone) is Typer's, in plain and in colour, and no
    Typer or command module is imported for it."""
    import os
    import subprocess
    import sys

    from tradewinds.cli.main import COMMAND_MODULES

    full = (
        "import importlib, typer\nfrom tradewinds.cli import main as cli\n"
        "app = typer.Typer(**cli.APP_SETTINGS)\napp.callback()(cli._root)\n"
        f"for name in {list(COMMAND_MODULES)!r}:\n"
        "    importlib.import_module('tradewinds.cli.' + name).register(app)\n"
        "app(args=['--help'], prog_name='tradewinds')\n"
    )
    lean = (
        "import sys\nfrom tradewinds.cli.entry import main\ncode = main(['-v', '--help'])\n"
        "assert code == 0 and 'typer' not in sys.modules, sorted(sys.modules)\n"
        "assert not [m for m in sys.modules if m.startswith('tradewinds.cli.') and "
        "m not in ('tradewinds.cli.entry', 'tradewinds.cli._help')]\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TERM")}
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, env={**clean, **env}, check=False
        )
        for code in (full, lean)
    ]
    assert outputs[1].returncode == 0, outputs[1].stderr.decode()[-2000:]
    assert outputs[0].stdout == outputs[1].stdout
    assert b"Commands" in outputs[1].stdout


def test_version_from_the_executable_matches_typer(capsys: pytest.CaptureFixture[str]) -> None:
    """``tradewinds --version`` (answered before Typer is imported) prints what Typer's
    eager ``--version`` option prints."""
    from tradewinds.cli.entry import main as entry
    from tradewinds.cli.main import main

    assert entry(["--version"]) == 0
    lean = capsys.readouterr()
    assert main(["--version"]) == 0
    assert lean == capsys.readouterr()
    assert lean.out.startswith("tradewinds ")
