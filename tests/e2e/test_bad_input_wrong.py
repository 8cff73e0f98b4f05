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
    assert can
    assert can[0] in second  # the true row, read from DuckDB


@pytest.mark.parametrize(
    ("command", "link"),
    [
        (["run", "{s}", "-o", "{o}", "--no-store"], False),
        (["run", "{s}", "--output", "{o}", "--no-store"], True),
        (["montecarlo", "{s}", "--draws", "2", "-o", "{o}", "--no-store"], False),
        (["sweep", "{s}", "--set", "model.eps=3,4", "-o", "{o}", "--no-store"], False),
    ],
)
def test_an_output_path_that_is_an_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], link: bool
) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_bytes(SCENARIO.read_bytes())
    output = scenario
    if link:  # another name of the same file
        output = tmp_path / "out.json"
        output.symlink_to(scenario)
    before = scenario.read_bytes()
    argv = [a.format(s=scenario, o=output) for a in command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "same file as the input SCENARIO" in err
    assert scenario.read_bytes() == before


_T = "title: t\n{groups}shocks:\n  {body}\n"
SHOCKS_THAT_MATCH_NOTHING = {
    "group named for a country": (
        "groups: {CAN: [MEX]}\n",
        "tariffs: [{importer: USA, exporter: CAN, rate: 0.25}]",
        "group name 'CAN' is a country code",
    ),
    "group named all": (
        "groups: {all: [MEX]}\n",
        "tariffs: [{importer: USA, exporter: all, rate: 0.25}]",
        "group name 'all' is reserved",
    ),
    "group named for a baseline label": (
        "groups: {ROW: [MEX]}\n",
        "tariffs: [{importer: USA, exporter: ROW, rate: 0.25}]",
        "group 'ROW' has the name of a country of the baseline",
    ),
    "importer is the exporter": (
        "",
        "tariffs: [{importer: CAN, exporter: CAN, rate: 0.25}]",
        "shocks.tariffs.0: exporter 'CAN' and importer 'CAN' are the same single country",
    ),
    "empty exporter list": (
        "",
        "tariffs: [{importer: USA, exporter: [], rate: 0.25}]",
        "shocks.tariffs.0: [] names no country",
    ),
    "everything excepted": (
        "",
        "tariffs: [{importer: USA, exporter: {all_except: [all]}, rate: 0.25}]",
        "names no country",
    ),
    "no sector": (
        "",
        "tariffs: [{importer: USA, exporter: CAN, rate: 0.25, sectors: []}]",
        "'sectors' lists no sector",
    ),
    "between one country": (
        "",
        "trade_costs: [{between: [CAN], change: -0.1}]",
        "shocks.trade_costs.0: between ['CAN'] names fewer than two countries",
    ),
    "between the same country twice": (
        "",
        "trade_costs: [{between: [CAN, CAN], change: -0.1}]",
        "names fewer than two countries",
    ),
    "directed trade cost within a country": (
        "",
        "trade_costs: [{exporter: MEX, importer: MEX, change: -0.1}]",
        "shocks.trade_costs.0: exporter 'MEX' and importer 'MEX' are the same single country",
    ),
    "countermeasures of a country that has none": (
        "",
        "tariffs_as_of: 2025-04-10\n  retaliation: [{by: MEX, countermeasures_as_of: 2025-04-10}]",
        "shocks.retaliation.0.countermeasures_as_of: the registry holds no countermeasure of MEX",
    ),
}


@pytest.mark.parametrize("case", sorted(SHOCKS_THAT_MATCH_NOTHING))
def test_a_shock_that_changes_nothing_or_the_wrong_country_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    groups, body, message = SHOCKS_THAT_MATCH_NOTHING[case]
    path = tmp_path / "s.yaml"
    path.write_text(_T.format(groups=groups, body=body))
    assert main(["run", str(path), "--no-store"]) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split())


def test_corridor_parameters_that_make_costs_infinite_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "p.yaml"
    params.write_text("sea_usd_per_teu_km: 1e308\nrail_usd_per_teu_km: 1e308\n")
    argv = ["corridors", "compare", "--from", "CAN", "--to", "CHN", "--params", str(params)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "sea_usd_per_teu_km" in err
    assert "less than or equal to 1000" in err


def test_gravity_potential_of_a_country_with_itself_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["gravity", "potential", "CAN", "can"]) == 2
    assert "got 'CAN' twice" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra",
    [
        ["--from", "2025-03-01"],
        ["--to", "2025-06-01"],
        ["--freq", "monthly"],
        ["--output", "x.csv"],
    ],
)
def test_etr_date_beside_series_options_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    extra = [str(tmp_path / a) if a.endswith(".csv") else a for a in extra]
    assert main(["etr", "--country", "CAN", "--date", "2025-09-01", *extra]) == 2
    err = capsys.readouterr().err
    assert "--date asks for one date" in err
    assert extra[0] in err


def test_etr_monthly_authorities_add_up_to_the_total(tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "m.csv"
    argv = ["etr", "--country", "CAN", "--from", "2026-03-01", "--to", "2026-05-31"]
    assert main([*argv, "--freq", "monthly", "--output", str(out)]) == 0
    frame = pd.read_csv(out)
    frame = frame[frame["sector"] == "all"]
    total = frame[frame["authority"] == "total"].set_index("date")["rate"]
    parts = frame[frame["authority"] != "total"].groupby("date")["rate"].sum()
    assert len(total) == 3
    pd.testing.assert_series_equal(parts, total, check_names=False, atol=1e-12, rtol=0)
    # and each month is the mean of its days
    daily = tmp_path / "d.csv"
    assert main([*argv, "--output", str(daily)]) == 0
    days = pd.read_csv(daily)
    days = days[(days["sector"] == "all") & (days["authority"] == "total")]
    april = days[days["date"].str.startswith("2026-04")]["rate"].mean()
    assert total["2026-04-01"] == pytest.approx(april, rel=1e-12)


HOSTILE_TITLES = ["[/] x", "[red]Plan[/red] A", "a\x1b]0;pwned\x07b \x1b[2J", "[bold]x"]


def _shown(text: str) -> str:
    """What a title looks like printed: literal, control characters as control pictures."""
    return text.replace("\x1b", "\u241b").replace("\x07", "\u2407")


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_user_text_is_printed_literally_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, title: str
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    folder = tmp_path / "lib"
    folder.mkdir()
    scenario = folder / "s.yaml"
    scenario.write_text(
        f"title: {json.dumps(title)}\nshocks:\n  tariffs:\n"
        "    - {importer: USA, exporter: CAN, rate: 0.25}\n"
    )
    assert main(["run", str(scenario)]) == 0
    run_out = capsys.readouterr().out
    run_id = run_out.split("run id: ")[1].split()[0]
    assert main(["results", "list"]) == 0
    listed = capsys.readouterr().out
    assert main(["results", "show", run_id]) == 0
    shown = capsys.readouterr().out
    assert main(["scenarios", "list", "--dir", str(folder)]) == 0
    scenarios = capsys.readouterr().out
    assert main(["compare", run_id, run_id]) == 0
    compared = capsys.readouterr().out
    for out in (run_out, listed, shown, scenarios, compared):
        assert _shown(title) in out
        assert "\x1b" not in out
        assert "\x07" not in out


def test_markup_in_an_error_message_is_printed_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "[/]\x1b[2Jx.yaml"
    assert main(["run", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "[/]" in err  # printed, not read as a closing tag (which crashed)
    assert "\x1b" not in err


def test_run_prints_the_coverage_warning_in_the_one_warning_style(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    late = tmp_path / "late.yaml"
    text = (ROOT / "scenarios" / "measures-2026-07-01.yaml").read_text()
    late.write_text(text.replace("tariffs_as_of: 2026-07-01", "tariffs_as_of: 2026-09-29"))
    assert "2026-09-29" in late.read_text()
    assert main(["run", str(late), "--no-store"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: Date 2026-09-29 is past the registry coverage date")
    assert "CoverageWarning" not in err
    assert "typer" not in err


def test_the_coverage_warning_is_given_by_every_run_solved_again_or_served(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rates kept in the user cache or in the process, and a run the store serves, all warn."""
    late = tmp_path / "late.yaml"
    text = (ROOT / "scenarios" / "measures-2026-07-01.yaml").read_text()
    late.write_text(text.replace("tariffs_as_of: 2026-07-01", "tariffs_as_of: 2026-10-02"))
    store = str(tmp_path / "store")
    runs = [["--no-store"], ["--no-store"], ["--store", store], ["--store", store]]
    for extra in runs:
        assert main(["run", str(late), *extra]) == 0
        captured = capsys.readouterr()
        assert captured.err.startswith("warning: Date 2026-10-02 is past the registry coverage")
    assert "served from the store" in captured.out


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["integrate", "--pair", "CAN,MEX", "--target", "2x", "--plot", "{tmp}/x.png"], "--plot"),
        (["gravity", "potential", "CAN", "MEX", "--plot", "{tmp}/x.pdf"], "--plot"),
        (["corridors", "compare", "--from", "CAN", "--to", "CHN", "--map", "{tmp}/m.png"], "--map"),
        (["etr", "--country", "CAN", "--plot", "{tmp}/e.svg"], "--plot"),
        (["run", str(SCENARIO), "--no-store", "-o", "{tmp}/r.xls"], "--output"),
    ],
)
def test_a_file_named_for_a_format_it_would_not_be_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], option: str
) -> None:
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert f"error: {option} " in err
    assert "the file is written in the format its name says" in err
    assert list(tmp_path.iterdir()) == []


def test_tables_are_written_as_real_xlsx(tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "r.xlsx"
    assert main(["run", str(SCENARIO), "--no-store", "-o", str(out)]) == 0
    frame = pd.read_excel(out, engine="openpyxl")
    assert {"country", "metric", "value"} <= set(frame.columns)
    welfare = frame[(frame["metric"] == "welfare_pct") & frame["partner"].isna()]
    assert welfare.set_index("country")["value"]["CAN"] < 0


def test_a_failed_output_write_leaves_no_truncated_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import pandas as pd

    out = tmp_path / "r.csv"
    out.write_text("older,file\n")

    def full(self: pd.DataFrame, path: Path, **kw: object) -> None:
        Path(path).write_text("country,par")  # half written, then the disk fills up
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    assert main(["run", str(SCENARIO), "--no-store", "-o", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_text() == "older,file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_results_list_with_a_negative_limit_is_an_input_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", str(SCENARIO)]) == 0
    capsys.readouterr()
    assert main(["results", "list", "--limit", "-1"]) == 2
    err = capsys.readouterr().err
    assert "--limit -1 must be a whole number of runs, 1 or more" in err
    assert "damaged" not in err


@pytest.mark.slow
def test_a_file_size_limit_is_named_and_the_store_kept(tmp_path: Path) -> None:
    import resource
    import subprocess
    import sys

    env = {**os.environ, "TRADEWINDS_STORE": str(tmp_path / "s"), "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "tradewinds"]
    first = subprocess.run([*cmd, "run", str(SCENARIO)], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in (tmp_path / "s").iterdir()}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    other = str(ROOT / "scenarios" / "camx-trade-costs-minus-10.yaml")
    second = subprocess.run(
        [*cmd, "run", other], env=env, capture_output=True, text=True, preexec_fn=limit
    )
    assert second.returncode == 3
    assert "a file-size limit (ulimit -f)" in second.stderr
    assert "damaged" not in second.stderr
    listed = subprocess.run([*cmd, "results", "list"], env=env, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert "1 shown" in listed.stdout
    after = {p.name: p.read_bytes() for p in (tmp_path / "s").iterdir()}
    assert after["results.index.json"] == before["results.index.json"]


def test_a_store_this_user_may_only_read_is_listed_and_not_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import filelock

    from tradewinds.store import database

    assert main(["run", str(SCENARIO)]) == 0
    capsys.readouterr()
    store = _store()
    real_access = os.access

    def read_only(path: object, mode: int, **kw: object) -> bool:
        if Path(str(path)) == store and mode & os.W_OK:
            return False
        return real_access(path, mode, **kw)  # type: ignore[arg-type]

    def no_lock(self: object, *a: object, **kw: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(database.os, "access", read_only)
    monkeypatch.setattr(filelock.FileLock, "acquire", no_lock)
    assert main(["results", "list"]) == 0
    assert "1 shown" in capsys.readouterr().out
    other = str(ROOT / "scenarios" / "camx-trade-costs-minus-10.yaml")
    assert main(["run", other]) == 3
    err = capsys.readouterr().err
    assert "its lock file cannot be created (Read-only file system)" in err
    assert "damaged" not in err


def test_the_explorer_titles_a_changed_scenario_and_warns_past_coverage() -> None:
    from fastapi.testclient import TestClient

    from tradewinds.server import create_app

    client = TestClient(create_app())
    base = {"library": "measures-2025-09-01.yaml"}
    plain = client.post("/explorer/build", json=base).json()
    levers = {**base, "ieepa_can": "50", "retaliation": "mirror-can", "camx": "-10"}
    changed = client.post("/explorer/build", json=levers).json()
    other = client.post("/explorer/build", json={**base, "ieepa_can": "10"}).json()
    assert plain["warnings"] == []
    assert changed["title"].startswith(plain["title"])
    assert changed["title"] != plain["title"] != other["title"] != changed["title"]
    assert "IEEPA 50% on CAN" in changed["title"]
    assert "CAN–MEX trade costs -10%" in changed["title"]
    assert "title: " + changed["title"][:20] in changed["yaml"].replace("'", "")
    late = client.post("/explorer/build", json={**base, "as_of": "2026-09-29"}).json()
    assert late["warnings"]
    assert "past the registry coverage date" in late["warnings"][0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["measures", "list", "--target", "XYZ"], "Unknown country code 'XYZ' in --target."),
        (
            ["measures", "list", "--target", "CAD"],
            "CAD is a currency code (the Canadian dollar), not a country; the country is CAN.",
        ),
        (
            [
                "duty",
                "--hts",
                "8703.23.0190",
                "--origin",
                "CAD",
                "--date",
                "2025-09-01",
                "--value",
                "1000",
            ],
            "CAD is a currency code (the Canadian dollar), not a country; the country is CAN.",
        ),
        (
            [
                "duty",
                "--hts",
                "8703.23.0190",
                "--origin",
                "CHN",
                "--importer",
                "GBR",
                "--date",
                "2025-09-01",
                "--value",
                "1000",
            ],
            "GBR is a country code, but not one held here: CAN, MEX, USA.",
        ),
    ],
)
def test_unknown_partners_are_named_for_what_they_are(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split())
    assert "TCD" not in err


def test_a_country_inside_a_region_of_the_baseline_is_pointed_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "fra.yaml"
    path.write_text(
        "title: t\nshocks:\n  tariffs:\n    - {importer: USA, exporter: FRA, rate: 0.25}\n"
    )
    assert main(["run", str(path), "--no-store"]) == 2
    err = capsys.readouterr().err
    assert "FRA is part of EU27 in this baseline; name EU27 instead." in err
    assert "BRA" not in err


def test_diversify_exposure_by_mission_prints_one_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    argv = ["diversify", "exposure", "--country", "CAN", "--date", "2025-09-01"]
    assert main([*argv, "--by", "mission"]) == 0
    assert capsys.readouterr().out.count("┏") == 1
    assert main([*argv, "--by", "hs2"]) == 0
    assert capsys.readouterr().out.count("┏") == 2  # the ranked lines, then the missions


def test_measures_diff_never_cuts_a_record_id(
    shared_data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewinds.measures.registry import load_registry

    monkeypatch.setenv("COLUMNS", "80")
    base = shared_data / "data" / "budgetlab_yale" / "tariff_rate_tracker"
    old = base / "processed_2026-02-23" / "chapter99_raw.csv"
    new = base / "us_notes" / "chapter99_2026_rev_6.txt"
    assert main(["measures", "diff", str(old), str(new), "--only-registry"]) == 0
    out = capsys.readouterr().out
    records = {line.split("│")[-2].strip() for line in out.splitlines() if line.startswith("│")}
    ids = {m.id for m in load_registry().measures}
    assert records & ids
    assert records <= ids | {"", "-"}  # each cell of the last column is a whole id


@pytest.mark.slow
def test_replicate_yotov_table_3_shows_progress_and_fits_80_columns() -> None:
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "tradewinds", "replicate", "yotov2016", "--table", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Estimating Table 3: 7 of 7 columns in" in done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    for column in ("OLS", "PPML", "INTRA", "ENDG", "LEAD", "PHSNG", "GLBZN"):
        assert f" {column} ┃" in done.stdout


def test_the_html_report_folds_its_provenance_and_fits_a_phone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    assert main(["run", str(SCENARIO)]) == 0
    run_id = capsys.readouterr().out.split("run id: ")[1].split()[0]
    page = tmp_path / "r.html"
    assert main(["report", run_id, "-o", str(page)]) == 0
    text = page.read_text()
    assert "<meta name='viewport' content='width=device-width, initial-scale=1'>" in text
    prose = re.sub(r"<script.*?</script>", "", text, flags=re.S)
    folded = prose[prose.index("<h2>Baseline provenance</h2>") :]
    assert folded.count("<details>") == 1
    assert "raw files hashed" in folded
    assert len(folded) < 0.6 * len(prose)
    assert prose.count("\n") < 150  # the country list was one code a line


def test_rate_chart_events_days_apart_share_one_label() -> None:
    import datetime as dt
    import itertools

    from tradewinds.reporting.etr_plot import EVENT_GAP_DAYS, event_groups

    marks = event_groups("2025-01-01", "2026-12-31")
    days = [dt.date.fromisoformat(m[0]) for m in marks]
    assert min((b - a).days for a, b in itertools.pairwise(days)) >= EVENT_GAP_DAYS
    march = next(m for m in marks if m[0] == "2025-03-04")
    assert march[1].endswith("+2")
    assert "2025-03-12: 232 metals" in march[2]


def test_dashboard_legends_and_tables_show_names_not_ids() -> None:
    from fastapi.testclient import TestClient

    from tradewinds.server import create_app

    client = TestClient(create_app())
    overview = client.get("/").text
    rates = client.get("/rates").text
    assert "Section 232" in rates
    for page in (overview, rates):
        assert ">s232_metals<" not in page
        assert '"name": "s232_metals"' not in page
        assert '"name":"s232_metals"' not in page


@pytest.mark.slow
def test_overview_timeline_is_newest_first_and_filterable_in_chromium(tmp_path: Path) -> None:
    from tests.e2e.web_server import CHROMIUM, CHROMIUM_ARGS, serve

    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed")
    playwright = pytest.importorskip("playwright.sync_api")
    with serve(tmp_path / "store") as base, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(base + "/")
            dates = page.eval_on_selector_all(
                "#timeline tbody td.date", "els => els.map(e => e.textContent)"
            )
            assert len(dates) > 20
            assert dates == sorted(dates, reverse=True)
            page.fill("#timeline-filter", "steel CAN")
            shown = page.eval_on_selector_all(
                "#timeline tbody tr:not([hidden])", "els => els.map(e => e.textContent)"
            )
            assert 0 < len(shown) < len(dates)
            assert all("steel" in t.lower() and "CAN" in t for t in shown)
            assert page.inner_text("#timeline-count") == f"{len(shown)} of {len(dates)} events"
        finally:
            browser.close()


def test_corridor_table_shows_the_cheapest_route_and_what_best_weighs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["corridors", "compare", "--from", "CAN", "--to", "MEX"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("│ CAN")]
    halifax = next(line for line in rows if "CAHAL >" in line)
    montreal = next(line for line in rows if "CAMTR >" in line)
    assert "│ best " in halifax
    assert "│ cheapest " in montreal
    assert "Best: the lowest US$/TEU plus the value of time" in " ".join(out.split())


def test_corridor_maps_draw_coastlines_and_keep_port_labels_apart() -> None:
    from tradewinds.integration.corridors import compare
    from tradewinds.reporting.corridors_map import corridor_figure

    fig = corridor_figure(compare(["CAN"], ["MEX"]))
    coast = next(t for t in fig.data if t.name == "coastlines (Natural Earth)")
    assert sum(v is not None for v in coast.lon) > 5_000
    ports = next(t for t in fig.data if t.name == "ports and hubs")
    where = dict(
        zip(ports.text, zip(ports.lon, ports.lat, ports.textposition, strict=True), strict=True)
    )
    for a, (xa, ya, pa) in where.items():
        for b, (xb, yb, pb) in where.items():
            if a < b and abs(xa - xb) < 8 and abs(ya - yb) < 3:
                assert pa != pb, (a, b)
