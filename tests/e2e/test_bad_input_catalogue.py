# ruff: noqa: E501  (one case per line keeps the tables readable)
"""The bad-input catalogue: every input that once gave a traceback or a silently wrong answer.

Three tables, one per front end: the CLI (driven in-process through
``tradewinds.cli.main.main(argv)``), the Python entry points, and the HTTP endpoints (FastAPI's
TestClient). Each case asserts the exit code or HTTP status (or the exception class), a message
naming the field, file, option or line at fault, and no traceback. CLI cases also assert that a
failed run wrote no output file and left the results store byte for byte as it was (the store
is seeded with one recorded run; a solve that fails to converge is recorded as a failed run by
design, so that case runs with ``--no-store``). Batch-CSV cases live with the batch tests.
See ``docs/input-limits.md`` for the rules these cases pin down.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import shutil
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tradewinds.cli.main import main
from tradewinds.core.errors import (
    ScenarioError,
    StoreError,
    TradewindsError,
    UnknownLabelError,
)
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

HTS = "8703.23.0190"  # a passenger car: Section 232 autos, IEEPA, MFN 2.5%
OK_SCENARIO = "title: ok\nshocks:\n  tariffs:\n    - {importer: USA, exporter: CAN, rate: 0.25}\n"
TARIFF = "title: t\nshocks:\n  tariffs:\n    - {{importer: USA, exporter: CAN, {}}}\n"
ALIAS_BOMB = (
    'title: bomb\ndescription: &a ["lol", "lol", "lol"]\n'
    + "".join(f"x{k}: &a{k} [*a, *a, *a]\n" for k in range(1))
    + "sources: [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n"
)
DEEP = "title: t\ndescription: " + "[" * 40 + "]" * 40 + "\n"
MEASURE = """programme: user_test
measures:
  - id: user-test-ca
    title: test
    authority: ieepa
    programme: user_test
    legal_basis: test
    imposing: USA
    targets: [CAN]
    scope:
      hts_prefixes: ["8703"]
    rate: {rate}
    effective_from: 2025-06-01
    sources:
      - {{key: TEST}}
"""
BOM_TEXT = """good:
  hts: 8703.23.01
  description: test
"""


def _files(tmp: Path) -> dict[str, Path]:
    """Every bad file the CLI cases refer to, written into ``tmp``."""
    contents: dict[str, bytes] = {
        "ok.yaml": OK_SCENARIO.encode(),
        "latin1.yaml": "title: Québec tariffs\n".encode("latin-1"),
        "bom.yaml": b"\xef\xbb\xbf" + OK_SCENARIO.encode(),
        "utf16.yaml": OK_SCENARIO.encode("utf-16"),
        "binary.yaml": bytes(range(256)) * 4,
        "binary.nc": bytes(range(256)) * 4,
        "dup_shocks.yaml": (OK_SCENARIO + "shocks:\n  tariffs: []\n").encode(),
        "dup_title.yaml": ("title: a\n" + OK_SCENARIO).encode(),
        "dup_rate.yaml": TARIFF.format("rate: 0.25, rate: 0.5").encode(),
        "alias.yaml": ALIAS_BOMB.encode(),
        "merge.yaml": b"title: t\nmodel:\n  <<: {name: one-sector}\n",
        "deep.yaml": DEEP.encode(),
        "bad_date.yaml": b"title: t\nshocks:\n  tariffs_as_of: 2025-02-30\n",
        "early_date.yaml": b"title: t\nshocks:\n  tariffs_as_of: 2024-06-01\n",
        "rate_true.yaml": TARIFF.format("rate: true").encode(),
        "rate_nan.yaml": TARIFF.format("rate: .nan").encode(),
        "rate_inf.yaml": TARIFF.format("rate: .inf").encode(),
        "rate_text.yaml": TARIFF.format('rate: "0.25"').encode(),
        "rate_negative.yaml": TARIFF.format("rate: -0.1").encode(),
        "add_minus_inf.yaml": TARIFF.format("add: -.inf").encode(),
        "change_nan.yaml": (
            b"title: t\nshocks:\n  trade_costs:\n    - {between: [CAN, MEX], change: .nan}\n"
        ),
        "eps_inf.yaml": b"title: t\nmodel: {name: one-sector, eps: .inf}\n",
        "eps_true.yaml": b"title: t\nmodel: {name: one-sector, eps: true}\n",
        "eps_tiny.yaml": b"title: t\nmodel: {name: one-sector, eps: 1.0e-300}\n",
        "theta_nan.yaml": b"title: t\nbaseline: wiod2011\nmodel: {name: multi-sector, theta: .nan}\n",
        "ieepa_true.yaml": (
            b"title: t\nshocks:\n  tariffs_as_of: 2025-06-01\n  overrides:\n"
            b"    ieepa_rate: {CAN: true}\n"
        ),
        "malformed.yaml": b"title: t\nshocks: [\n",
        "list.yaml": b"- title: t\n",
        "unknown_key.yaml": b"title: t\nmodle: {}\n",
        "unknown_country.yaml": TARIFF.replace("CAN", "CAM").format("rate: 0.25").encode(),
        "missing_measures.yaml": (
            b"title: t\nshocks:\n  tariffs_as_of: 2025-06-01\n  overrides:\n"
            b"    measure_files: [nowhere.yaml]\n"
        ),
        "dir_measures.yaml": (
            b"title: t\nshocks:\n  tariffs_as_of: 2025-06-01\n  overrides:\n"
            b"    measure_files: [adir]\n"
        ),
        "dir_compare.yaml": b"title: t\ncompare_against: adir\n",
        "python_tag.yaml": b"title: !!python/object/apply:os.system [ls]\n",
        "measure_true.yaml": MEASURE.format(rate="true").encode(),
        "measure_nan.yaml": MEASURE.format(rate=".nan").encode(),
        "measure_dup.yaml": (MEASURE.format(rate="0.1") + "    rate: 0.2\n").encode(),
        "measure_alias.yaml": MEASURE.format(rate="0.1")
        .replace("title: test", "title: &t test")
        .replace("legal_basis: test", "legal_basis: *t")
        .encode(),
        "measure_latin1.yaml": MEASURE.format(rate="0.1").replace("test", "é").encode("latin-1"),
        "bom_bill.yaml": b"\xef\xbb\xbf" + BOM_TEXT.encode(),
        "dup_bill.yaml": (BOM_TEXT + "good:\n  hts: 1\n").encode(),
        "a_file": b"not a folder",
    }
    out = {}
    for name, data in contents.items():
        path = tmp / name
        path.write_bytes(data)
        out[name] = path
    (tmp / "adir").mkdir()
    (tmp / "out_dir.csv").mkdir()
    big = tmp / "big.yaml"
    with big.open("w") as f:
        f.write("title: big\ndescription: |\n")
        line = "  " + "x" * 98 + "\n"
        f.write(line * 21_000)
    out["big.yaml"] = big
    return out


@dataclass(frozen=True)
class Cli:
    """One CLI case: argv (``{tmp}`` is the case folder), exit code, text the error must hold."""

    id: str
    argv: tuple[str, ...]
    exit_code: int
    needle: str
    output: str | None = None  # a file the failed command must not have written


def _duty(*extra: str, origin: str = "MEX", value: str = "10000") -> tuple[str, ...]:
    head = ("duty", "--hts", HTS, "--origin", origin, "--date", "2025-06-01", "--value", value)
    return (*head, *extra)


CLI_CASES = [
    # -- scenario files: encoding, type of path --------------------------------------------
    Cli("latin1", ("run", "{tmp}/latin1.yaml"), 2, "not UTF-8 text (byte 0xe9 at line 1)"),
    Cli("bom", ("run", "{tmp}/bom.yaml"), 2, "byte-order mark"),
    Cli("utf16", ("run", "{tmp}/utf16.yaml"), 2, "byte-order mark"),
    Cli("binary", ("run", "{tmp}/binary.yaml"), 2, "is binary"),
    Cli("directory", ("run", "{tmp}/adir"), 2, "is a directory, not a file"),
    Cli("missing", ("run", "{tmp}/nothing.yaml"), 2, "does not exist"),
    Cli("too_large", ("run", "{tmp}/big.yaml"), 2, "the limit is 2,000,000"),
    # -- YAML structure -----------------------------------------------------------------------
    Cli("dup_shocks", ("run", "{tmp}/dup_shocks.yaml"), 2, "'shocks' appears twice in one mapping (lines 2 and 5)"),
    Cli("dup_title", ("run", "{tmp}/dup_title.yaml"), 2, "'title' appears twice in one mapping (lines 1 and 2)"),
    Cli("dup_rate", ("run", "{tmp}/dup_rate.yaml"), 2, "'rate' appears twice"),
    Cli("alias_bomb", ("run", "{tmp}/alias.yaml"), 2, "anchors and aliases"),
    Cli("merge_key", ("run", "{tmp}/merge.yaml"), 2, "merge keys"),
    Cli("too_deep", ("run", "{tmp}/deep.yaml"), 2, "nesting deeper than 32 levels at line 2"),
    Cli("malformed", ("run", "{tmp}/malformed.yaml"), 2, "malformed YAML at line"),
    Cli("top_level_list", ("run", "{tmp}/list.yaml"), 2, "must be a mapping"),
    Cli("python_tag", ("run", "{tmp}/python_tag.yaml"), 2, "could not determine a constructor"),
    Cli("impossible_date", ("run", "{tmp}/bad_date.yaml"), 2, "'2025-02-30' at line 3 is not a valid date"),
    # -- scenario fields ----------------------------------------------------------------------
    Cli("date_before_registry", ("run", "{tmp}/early_date.yaml"), 2, "shocks.tariffs_as_of"),
    Cli("rate_true", ("run", "{tmp}/rate_true.yaml"), 2, "shocks.tariffs.0.rate: Input should be a valid number; true/false is not a number"),
    Cli("rate_nan", ("run", "{tmp}/rate_nan.yaml"), 2, "shocks.tariffs.0.rate: Input should be a finite number"),
    Cli("rate_inf", ("run", "{tmp}/rate_inf.yaml"), 2, "shocks.tariffs.0.rate: Input should be a finite number"),
    Cli("rate_text", ("run", "{tmp}/rate_text.yaml"), 2, "shocks.tariffs.0.rate"),
    Cli("rate_negative", ("run", "{tmp}/rate_negative.yaml"), 2, "is negative"),
    Cli("add_minus_inf", ("run", "{tmp}/add_minus_inf.yaml"), 2, "shocks.tariffs.0.add"),
    Cli("change_nan", ("run", "{tmp}/change_nan.yaml"), 2, "shocks.trade_costs.0.change"),
    Cli("eps_inf", ("run", "{tmp}/eps_inf.yaml"), 2, "eps: Input should be a finite number"),
    Cli("eps_true", ("run", "{tmp}/eps_true.yaml"), 2, "eps: Input should be a valid number"),
    Cli("theta_nan", ("run", "{tmp}/theta_nan.yaml"), 2, "theta"),
    Cli("eps_tiny_overflows", ("run", "{tmp}/eps_tiny.yaml", "--no-store", "-o", "{tmp}/tiny.csv"), 4, "holds NaN or infinite values (country.price_index_hat", "{tmp}/tiny.csv"),
    Cli("ieepa_rate_true", ("run", "{tmp}/ieepa_true.yaml"), 2, "shocks.overrides.ieepa_rate.CAN"),
    Cli("unknown_key", ("run", "{tmp}/unknown_key.yaml"), 2, "unknown key 'modle'"),
    Cli("unknown_country", ("run", "{tmp}/unknown_country.yaml"), 2, "Did you mean 'CAN'"),
    Cli("missing_measure_file", ("run", "{tmp}/missing_measures.yaml"), 2, "measure_files.0: measure file 'nowhere.yaml' does not exist"),
    Cli("measure_file_is_dir", ("run", "{tmp}/dir_measures.yaml"), 2, "measure_files.0: 'adir' is a directory"),
    Cli("compare_is_dir", ("run", "{tmp}/dir_compare.yaml"), 2, "compare_against: 'adir' is a directory"),
    # -- --output checked before solving ------------------------------------------------------
    Cli("run_output_parent_is_file", ("run", "{tmp}/ok.yaml", "-o", "{tmp}/a_file/x.csv"), 2, "is not a directory", "{tmp}/a_file/x.csv"),
    Cli("run_output_is_dir", ("run", "{tmp}/ok.yaml", "-o", "{tmp}/out_dir.csv"), 2, "is a directory; give a file name"),
    Cli("run_output_suffix", ("run", "{tmp}/ok.yaml", "-o", "{tmp}/out.txt"), 2, "must end in .csv, .json or .xlsx", "{tmp}/out.txt"),
    Cli("sweep_output", ("sweep", "{tmp}/ok.yaml", "--set", "model.eps=2,4", "-o", "{tmp}/a_file/s.csv"), 2, "is not a directory", "{tmp}/a_file/s.csv"),
    Cli("montecarlo_output", ("montecarlo", "{tmp}/ok.yaml", "-o", "{tmp}/mc.parquet"), 2, "must end in .csv, .json or .xlsx", "{tmp}/mc.parquet"),
    Cli("replicate_output", ("replicate", "cp2015-nafta", "-o", "{tmp}/a_file/r.csv"), 2, "is not a directory"),
    Cli("ignatenko_output", ("replicate", "ignatenko2025", "-o", "{tmp}/r.parquet"), 2, "must end in .csv, .json or .xlsx", "{tmp}/r.parquet"),
    Cli("strategy_output", ("strategy", "optimal", "{tmp}/ok.yaml", "-c", "CAN", "-o", "{tmp}/out_dir.csv"), 2, "is a directory"),
    Cli("etr_output", ("etr", "--country", "CAN", "--output", "{tmp}/e.txt"), 2, "must end in .csv, .json or .xlsx", "{tmp}/e.txt"),
    Cli("report_output", ("report", "abc", "-o", "{tmp}/r.pdf"), 2, "must end in .html or .htm", "{tmp}/r.pdf"),
    Cli("export_output", ("results", "export", "abc", "-o", "{tmp}/a_file/x.json"), 2, "is not a directory"),
    # -- sweep values -------------------------------------------------------------------------
    Cli("sweep_set_alias", ("sweep", "{tmp}/ok.yaml", "--set", "model.eps=*a"), 2, "--set 'model.eps=*a'"),
    # -- duty of one shipment -----------------------------------------------------------------
    Cli("duty_unknown_origin", _duty(origin="XYZ"), 2, "Unknown country code 'XYZ' in origin"),
    Cli("duty_origin_typo", _duty(origin="MXE"), 2, "'MEX'?"),
    Cli("duty_unknown_importer", _duty("--importer", "XYZ"), 2, "Unknown country code 'XYZ' in importer"),
    Cli("duty_importer_typo", _duty("--importer", "CAM"), 2, "Did you mean 'CAN'"),
    Cli("duty_value_inf", _duty(value="inf"), 2, "value 'inf' must be a finite amount of US dollars above 0"),
    Cli("duty_value_nan", _duty(value="nan"), 2, "value 'nan' must be a finite amount of US dollars above 0"),
    Cli("duty_value_zero", _duty(value="0"), 2, "value '0.0' must be a finite amount of US dollars above 0"),
    Cli("duty_value_negative", _duty(value="-5"), 2, "value '-5.0' must be a finite amount of US dollars above 0"),
    Cli("duty_us_content_nan", _duty("--usmca", "--us-content", "nan"), 2, "us_content 'nan' must be a share of the customs value between 0 and 1"),
    Cli("duty_us_content_above_one", _duty("--usmca", "--us-content", "1.5"), 2, "us_content '1.5' must be a share of the customs value between 0 and 1"),
    Cli("duty_us_content_negative", _duty("--usmca", "--us-content", "-0.1"), 2, "us_content '-0.1' must be a share of the customs value between 0 and 1"),
    Cli("duty_quantity_negative", _duty("--quantity", "-5", "--unit", "kg"), 2, "quantity '-5.0' must be a finite quantity, 0 or more"),
    Cli("duty_quantity_inf", _duty("--quantity", "inf", "--unit", "kg"), 2, "quantity 'inf' must be a finite quantity, 0 or more"),
    Cli("duty_steel_nan", _duty("--metal-content", "steel=nan"), 2, "steel 'nan' must be a share of the customs value between 0 and 1"),
    Cli("duty_steel_above_one", _duty("--metal-content", "steel=1.5"), 2, "steel '1.5' must be a share of the customs value between 0 and 1"),
    Cli("duty_steel_text", _duty("--metal-content", "steel=lots"), 2, "--metal-content 'steel=lots'"),
    Cli("duty_impossible_date", ("duty", "--hts", HTS, "--origin", "MEX", "--date", "2025-02-30", "--value", "1"), 2, "date '2025-02-30' is not a valid date"),
    Cli("duty_text_date", ("duty", "--hts", HTS, "--origin", "MEX", "--date", "tomorrow", "--value", "1"), 2, "date 'tomorrow' is not a valid date"),
    Cli("duty_measures_dir", _duty("--measures", "{tmp}/adir"), 2, "Measure file '{tmp}/adir' is a directory"),
    Cli("duty_measures_missing", _duty("--measures", "{tmp}/none.yaml"), 2, "does not exist"),
    Cli("duty_measures_latin1", _duty("--measures", "{tmp}/measure_latin1.yaml"), 2, "not UTF-8 text"),
    Cli("duty_measures_rate_true", _duty("--measures", "{tmp}/measure_true.yaml"), 2, "measures.0.rate"),
    Cli("duty_measures_rate_nan", _duty("--measures", "{tmp}/measure_nan.yaml"), 2, "measures.0.rate"),
    Cli("duty_measures_dup_key", _duty("--measures", "{tmp}/measure_dup.yaml"), 2, "'rate' appears twice in one mapping (lines 12 and 16)"),
    Cli("duty_measures_alias", _duty("--measures", "{tmp}/measure_alias.yaml"), 2, "anchors and aliases"),
    # -- dates in other commands --------------------------------------------------------------
    Cli("etr_impossible_date", ("etr", "--country", "CAN", "--date", "2025-02-30"), 2, "--date: '2025-02-30' is not a valid date"),
    Cli("etr_impossible_from", ("etr", "--country", "CAN", "--from", "2025-13-01"), 2, "--from: '2025-13-01' is not a valid date"),
    Cli("measures_impossible_as_of", ("measures", "list", "--as-of", "2025-02-30"), 2, "--as-of: '2025-02-30'"),
    # -- numbers, baselines and stores given as options ----------------------------------------
    Cli("strategy_bounds_inf", ("strategy", "optimal", "{tmp}/ok.yaml", "-c", "CAN", "--bounds", "0,inf"), 2, "--bounds wants two finite numbers"),
    Cli("strategy_weights_nan", ("strategy", "optimal", "{tmp}/ok.yaml", "-c", "CAN,MEX", "--weights", "CAN=nan,MEX=1"), 2, "--weights wants CODE=NUMBER pairs"),
    Cli("sweep_set_nan", ("sweep", "{tmp}/ok.yaml", "--set", "model.eps=.nan", "--no-store"), 2, "model.one-sector.eps: Input should be a finite number"),
    Cli("sweep_set_true", ("sweep", "{tmp}/ok.yaml", "--set", "model.eps=true", "--no-store"), 2, "true/false is not a number"),
    Cli("baseline_not_netcdf", ("run", "{tmp}/ok.yaml", "--baseline", "{tmp}/binary.nc", "--no-store"), 3, "as netCDF-3"),
    Cli("baseline_folder", ("run", "{tmp}/ok.yaml", "--baseline", "{tmp}/adir", "--no-store"), 3, "has no trade_cepii.csv"),
    Cli("store_is_a_file", ("run", "{tmp}/ok.yaml", "--store", "{tmp}/a_file"), 3, "is a file, not a folder"),
    # -- bills of materials -------------------------------------------------------------------
    Cli("origin_bom", ("origin", "check", "{tmp}/bom_bill.yaml"), 2, "byte-order mark"),
    Cli("origin_dup_key", ("origin", "check", "{tmp}/dup_bill.yaml"), 2, "'good' appears twice"),
    Cli("origin_directory", ("origin", "check", "{tmp}/adir"), 2, "is a directory"),
    Cli("origin_alias", ("origin", "check", "{tmp}/alias.yaml"), 2, "anchors and aliases"),
    Cli("origin_latin1", ("origin", "check", "{tmp}/latin1.yaml"), 2, "not UTF-8 text"),
]  # fmt: skip


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results store holding one recorded run (copied for each case)."""
    folder = tmp_path_factory.mktemp("seed")
    scenario = folder / "ok.yaml"
    scenario.write_text(OK_SCENARIO)
    store = folder / "store"
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        assert main(["run", str(scenario), "--store", str(store)]) == 0, out.getvalue()
    return store


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix != ".lock"
    }


def _run_cli(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_cli_bad_input(
    case: Cli, tmp_path: Path, seeded_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _files(tmp_path)
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    monkeypatch.setenv("TRADEWINDS_STORE", str(store))
    monkeypatch.chdir(tmp_path)
    before = _digest(store)
    argv = [a.format(tmp=tmp_path) for a in case.argv]
    code, text = _run_cli(argv)
    assert code == case.exit_code, text
    assert "Traceback" not in text
    assert "error:" in text
    flat = " ".join(text.split())
    assert case.needle.format(tmp=tmp_path) in flat, flat
    if case.output is not None:
        assert not Path(case.output.format(tmp=tmp_path)).exists()
    assert _digest(store) == before


def test_cli_damaged_store_says_how_to_recover(tmp_path: Path, seeded_store: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    db = store / "results.duckdb"
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    before = _digest(store)
    (tmp_path / "ok.yaml").write_text(OK_SCENARIO)
    for argv in (
        ["results", "list", "--store", str(store)],
        ["run", str(tmp_path / "ok.yaml"), "--store", str(store), "-o", str(tmp_path / "o.csv")],
    ):
        code, text = _run_cli(argv)
        assert code == StoreError.exit_code, text
        flat = " ".join(text.split())
        assert "is damaged or not a tradewinds store" in flat
        assert "move the file aside" in flat
        assert "Traceback" not in text
        assert _digest(store) == before
    assert not (tmp_path / "o.csv").exists()


# -- Python entry points ---------------------------------------------------------------------


def _parse(text: str) -> Callable[[], Any]:
    from tradewinds.core.inputs import parse_yaml

    return lambda: parse_yaml(text, "input.yaml")


def _few_nodes(text: str) -> Any:
    """``parse_yaml`` with the node limit lowered to 1,000 (the real one costs seconds to hit)."""
    from tradewinds.core import inputs

    saved = inputs.MAX_YAML_NODES
    inputs.MAX_YAML_NODES = 1_000
    try:
        return inputs.parse_yaml(text, "input.yaml")
    finally:
        inputs.MAX_YAML_NODES = saved


def _scenario(data: Any) -> Callable[[], Any]:
    from tradewinds.scenarios.schema import parse_scenario

    return lambda: parse_scenario(data, "scenario")


def _calc(**kwargs: Any) -> Callable[[], Any]:
    from tradewinds.measures.duty import calculate

    args = {"hts": HTS, "origin": "MEX", "date": "2025-06-01", "value": 10_000.0} | kwargs
    return lambda: calculate(**args)


def _tariffs(n: int) -> dict[str, Any]:
    entry = {"importer": "USA", "exporter": "CAN", "rate": 0.1}
    return {"title": "t", "shocks": {"tariffs": [entry] * n}}


def _read(name: str, data: bytes, tmp: Path) -> Any:
    from tradewinds.core.inputs import read_yaml

    path = tmp / name
    if data == b"<dir>":
        path.mkdir()
    else:
        path.write_bytes(data)
    return read_yaml(path, "scenario file")


def _damaged_store(tmp: Path) -> Any:
    from tradewinds.store import ResultsStore

    (tmp / "results.duckdb").write_bytes(b"garbage, not a database")
    return ResultsStore(tmp).list_runs()


@dataclass(frozen=True)
class Py:
    """One Python case: a call, the error class it must raise, text the message must hold."""

    id: str
    call: Callable[[Path], Any]
    error: type[TradewindsError]
    needle: str


PY_CASES = [
    Py("yaml_dup_in_list", lambda t: _parse("- a: 1\n  b: 2\n  a: 3\n")(), ScenarioError, "'a' appears twice in one mapping (lines 1 and 3)"),
    Py("yaml_dup_nested", lambda t: _parse("x:\n  y: 1\n  y: 1\n")(), ScenarioError, "'y' appears twice"),
    Py("yaml_alias", lambda t: _parse("a: &x 1\nb: *x\n")(), ScenarioError, "anchors and aliases"),
    Py("yaml_undefined_alias", lambda t: _parse("a: *x\n")(), ScenarioError, "malformed YAML"),
    Py("yaml_merge", lambda t: _parse("a: {<<: {b: 1}}\n")(), ScenarioError, "merge keys"),
    Py("yaml_deep", lambda t: _parse("a: " + "[" * 33 + "]" * 33)(), ScenarioError, "nesting deeper than 32"),
    Py("yaml_many_nodes", lambda t: _few_nodes("[" + "0," * 1_001 + "]"), ScenarioError, "more than 1,000 values"),
    Py("yaml_too_large", lambda t: _parse("a: '" + "x" * 2_000_001 + "'")(), ScenarioError, "larger than 2,000,000 bytes"),
    Py("yaml_bom_text", lambda t: _parse("\ufeffa: 1")(), ScenarioError, "byte-order mark"),
    Py("yaml_not_text", lambda t: _parse(b"a: 1")(), ScenarioError, "expected YAML text, got bytes"),  # type: ignore[arg-type]
    Py("yaml_impossible_date", lambda t: _parse("x: 1\nd: 2025-02-30\n")(), ScenarioError, "'2025-02-30' at line 2 is not a valid date"),
    Py("yaml_python_tag", lambda t: _parse("!!python/name:os.system\n")(), ScenarioError, "malformed YAML"),
    Py("read_directory", lambda t: _read("d", b"<dir>", t), ScenarioError, "is a directory, not a file"),
    Py("read_latin1", lambda t: _read("l.yaml", b"a: \xe9\n", t), ScenarioError, "not UTF-8 text (byte 0xe9 at line 1)"),
    Py("read_binary", lambda t: _read("b.yaml", b"\x00\x01", t), ScenarioError, "is binary"),
    Py("read_utf16", lambda t: _read("u.yaml", "a: 1".encode("utf-16"), t), ScenarioError, "byte-order mark"),
    Py("scenario_too_many_tariffs", lambda t: _scenario(_tariffs(10_001))(), ScenarioError, "10,001 entries in shocks.tariffs; the limit is 10,000"),
    Py("scenario_rate_true", lambda t: _scenario({"title": "t", "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": True}]}})(), ScenarioError, "shocks.tariffs.0.rate"),
    Py("scenario_rate_nan", lambda t: _scenario({"title": "t", "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": math.nan}]}})(), ScenarioError, "shocks.tariffs.0.rate: Input should be a finite number"),
    Py("scenario_eps_minus_inf", lambda t: _scenario({"title": "t", "model": {"name": "one-sector", "eps": -math.inf}})(), ScenarioError, "eps"),
    Py("scenario_change_inf", lambda t: _scenario({"title": "t", "shocks": {"trade_costs": [{"between": ["CAN", "MEX"], "change": math.inf}]}})(), ScenarioError, "shocks.trade_costs.0.change"),
    Py("scenario_scale_true", lambda t: _scenario({"title": "t", "shocks": {"tariffs_as_of": "2025-06-01", "overrides": {"scale_programmes": {"ieepa_canada": True}}}})(), ScenarioError, "scale_programmes"),
    Py("duty_origin_unknown", lambda t: _calc(origin="XYZ")(), UnknownLabelError, "Unknown country code 'XYZ' in origin"),
    Py("duty_importer_unknown", lambda t: _calc(importer="ZZZ")(), UnknownLabelError, "in importer"),
    Py("duty_value_inf", lambda t: _calc(value=math.inf)(), ScenarioError, "value 'inf' must be a finite amount of US dollars above 0"),
    Py("duty_value_bool", lambda t: _calc(value=True)(), ScenarioError, "value 'True' is not a number"),
    Py("duty_value_text", lambda t: _calc(value="lots")(), ScenarioError, "value 'lots' is not a number"),
    Py("duty_usmca_maybe", lambda t: _calc(usmca="maybe")(), ScenarioError, "usmca 'maybe' is not a yes/no value"),
    Py("duty_transshipped_two", lambda t: _calc(transshipped=2)(), ScenarioError, "transshipped 2 is not a yes/no value"),
    Py("duty_us_content_nan", lambda t: _calc(usmca=True, us_content=math.nan)(), ScenarioError, "us_content 'nan' must be a share of the customs value between 0 and 1"),
    Py("duty_quantity_negative", lambda t: _calc(quantity=-1.0, unit="kg")(), ScenarioError, "quantity '-1.0' must be a finite quantity, 0 or more"),
    Py("duty_metal_two", lambda t: _calc(metal_content={"steel": 2.0})(), ScenarioError, "steel '2.0' must be a share of the customs value between 0 and 1"),
    Py("duty_date_impossible", lambda t: _calc(date="2025-02-30")(), ScenarioError, "date '2025-02-30' is not a valid date"),
    Py("registry_directory", lambda t: __import__("tradewinds.measures.registry", fromlist=["x"]).load_registry([t]), ScenarioError, "is a directory"),
    Py("store_damaged", _damaged_store, StoreError, "move the file aside"),
]  # fmt: skip


@pytest.mark.parametrize("case", PY_CASES, ids=[c.id for c in PY_CASES])
def test_python_bad_input(case: Py, tmp_path: Path) -> None:
    with pytest.raises(TradewindsError) as info:
        case.call(tmp_path)
    assert isinstance(info.value, case.error), repr(info.value)
    assert case.needle in str(info.value)
    assert "\n" not in str(info.value)


# -- HTTP endpoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Http:
    """One HTTP case: method, path, JSON body or query, status, text the message must hold."""

    id: str
    method: str
    path: str
    status: int
    needle: str
    body: Any = None
    params: dict[str, str] | None = None


def _duty_query(**kw: str) -> dict[str, str]:
    return {"hts": HTS, "origin": "MEX", "date": "2025-06-01", "value": "10000"} | kw


def _run_body(scenario: Any) -> dict[str, Any]:
    return {"scenario": scenario}


_RATE = {"title": "t", "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": 0}]}}


def _with_rate(value: Any) -> dict[str, Any]:
    entry = dict(_RATE["shocks"]["tariffs"][0], rate=value)
    return {"title": "t", "shocks": {"tariffs": [entry]}}


HTTP_CASES = [
    Http("run_dup_key", "POST", "/api/v1/scenarios/run", 422, "'shocks' appears twice", _run_body(OK_SCENARIO + "shocks: {}\n")),
    Http("run_alias_bomb", "POST", "/api/v1/scenarios/run", 422, "anchors and aliases", _run_body(ALIAS_BOMB)),
    Http("run_deep", "POST", "/api/v1/scenarios/run", 422, "nesting deeper than 32", _run_body(DEEP)),
    Http("run_bom", "POST", "/api/v1/scenarios/run", 422, "byte-order mark", _run_body("\ufeff" + OK_SCENARIO)),
    Http("run_impossible_date", "POST", "/api/v1/scenarios/run", 422, "'2025-02-30' at line 3", _run_body("title: t\nshocks:\n  tariffs_as_of: 2025-02-30\n")),
    Http("run_json_impossible_date", "POST", "/api/v1/scenarios/run", 422, "shocks.tariffs_as_of", _run_body({"title": "t", "shocks": {"tariffs_as_of": "2025-02-30"}})),
    Http("run_rate_true_yaml", "POST", "/api/v1/scenarios/run", 422, "shocks.tariffs.0.rate", _run_body(TARIFF.format("rate: true"))),
    Http("run_rate_true_json", "POST", "/api/v1/scenarios/run", 422, "shocks.tariffs.0.rate", _run_body(_with_rate(True))),
    Http("run_rate_nan_yaml", "POST", "/api/v1/scenarios/run", 422, "shocks.tariffs.0.rate: Input should be a finite number", _run_body(TARIFF.format("rate: .nan"))),
    Http("run_rate_inf_yaml", "POST", "/api/v1/scenarios/run", 422, "finite number", _run_body(TARIFF.format("rate: .inf"))),
    Http("run_rate_text_json", "POST", "/api/v1/scenarios/run", 422, "shocks.tariffs.0.rate", _run_body(_with_rate("0.25"))),
    Http("run_too_many_entries", "POST", "/api/v1/scenarios/run", 413, "more than this server's limit of 2,000", _run_body(_tariffs(10_001))),
    Http("run_eps_tiny", "POST", "/api/v1/scenarios/run", 500, "holds NaN or infinite values", _run_body({"title": "t", "model": {"name": "one-sector", "eps": 1e-300}})),
    Http("run_malformed", "POST", "/api/v1/scenarios/run", 422, "malformed YAML", _run_body("title: [")),
    Http("run_unknown_country", "POST", "/api/v1/scenarios/run", 404, "Did you mean 'CAN'", _run_body(TARIFF.replace("CAN", "CAM").format("rate: 0.1"))),
    Http("duty_unknown_origin", "GET", "/api/v1/duty", 404, "Unknown country code 'XYZ' in origin", params=_duty_query(origin="XYZ")),
    Http("duty_unknown_importer", "GET", "/api/v1/duty", 404, "Unknown country code 'XYZ' in importer", params=_duty_query(importer="XYZ")),
    Http("duty_value_inf", "GET", "/api/v1/duty", 422, "value 'inf' must be a finite amount", params=_duty_query(value="inf")),
    Http("duty_us_content_nan", "GET", "/api/v1/duty", 422, "us_content 'nan' must be a share of the customs value", params=_duty_query(usmca="true", us_content="nan")),
    Http("duty_us_content_two", "GET", "/api/v1/duty", 422, "us_content '2.0' must be a share of the customs value", params=_duty_query(us_content="2")),
    Http("duty_steel_inf", "GET", "/api/v1/duty", 422, "steel 'inf' must be a share of the customs value", params=_duty_query(steel="inf")),
    Http("duty_quantity_negative", "GET", "/api/v1/duty", 422, "quantity '-3.0' must be a finite quantity, 0 or more", params=_duty_query(quantity="-3", unit="kg")),
    Http("duty_impossible_date", "GET", "/api/v1/duty", 422, "date '2025-02-30' is not a valid date", params=_duty_query(date="2025-02-30")),
    Http("etr_impossible_date", "GET", "/api/v1/etr", 422, "date: '2025-02-30' is not a valid date", params={"country": "CAN", "date": "2025-02-30"}),
    Http("etr_text_date", "GET", "/api/v1/etr", 422, "date: 'soon' is not a valid date", params={"country": "CAN", "date": "soon"}),
    Http("origin_dup_key", "POST", "/api/v1/origin/check", 422, "'good' appears twice", {"bom": BOM_TEXT + "good: {}\n"}),
    Http("origin_alias", "POST", "/api/v1/origin/check", 422, "anchors and aliases", {"bom": "good: &g {hts: '8703'}\nother: *g\n"}),
    Http("origin_bom", "POST", "/api/v1/origin/check", 422, "byte-order mark", {"bom": "\ufeff" + BOM_TEXT}),
]  # fmt: skip


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def _answer(client: TestClient, case: Http) -> tuple[int, str, dict[str, Any]]:
    """Status, text and JSON body of a case; a queued job is followed to its error."""
    if case.method == "GET":
        response = client.get(case.path, params=case.params)
    else:
        response = client.post(case.path, json=case.body)
    if response.status_code != 202:
        return response.status_code, response.text, response.json()
    job = response.json()["job_id"]  # refused while running: the job's error is the answer
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job}").json()
        if state["state"] in {"done", "failed", "cancelled"}:
            error = state.get("error") or {}
            return int(error.get("status", 200)), json.dumps(state), error
        time.sleep(0.05)
    raise AssertionError(f"job {job} of {case.id} did not finish")


@pytest.mark.parametrize("case", HTTP_CASES, ids=[c.id for c in HTTP_CASES])
def test_http_bad_input(case: Http, client: TestClient) -> None:
    status, text, body = _answer(client, case)
    assert status == case.status, text
    assert "Traceback" not in text
    assert body["error"], body
    assert body["message"], body
    assert case.needle in body["message"], body["message"]


def test_catalogue_size() -> None:
    """The issue asks for at least 80 cases across the front ends."""
    assert len(CLI_CASES) + len(PY_CASES) + len(HTTP_CASES) + 1 >= 80
