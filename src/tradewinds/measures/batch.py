"""Batch duties: the calculator over a table of shipment lines, vectorised and columnar.

The output has one row per *good* input line with ``row`` (its 1-based row in the input, not
counting the header), ``mfn_duty``, ``additional_duty``, ``total_duty``, ``additional_rate``,
``effective_rate``, ``mfn_incomplete`` (a specific or unparsed MFN part was not computed), one
``duty_<authority>`` column per non-MFN authority applying to some line (``ieepa``,
``section_232``, ``section_122``, ``adcvd`` ...), and ``layers``: the ids of the measures that
apply to the line, separated by ``;`` (the layers the single-shipment calculator prints), and
``formulas``: how each of those layers' rate was set, in the same order (``MFN``, ``additional``
or ``all-in floor 15% incl. MFN``: the floor less the line's MFN rate). Both lists are built
once per distinct combination, not once per line.

Bad lines do not stop the batch: each bad field is reported with its row, field, value and the
reason (:attr:`BatchResult.errors`), and the other lines are computed. The path is columnar from
the CSV reader to the CSV writer (polars and numpy; pandas is not imported).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from tradewinds.core.errors import ScenarioError
from tradewinds.measures.compiled import compiled
from tradewinds.measures.duty import evaluate_frame, formula, prepare_lines
from tradewinds.measures.fields import MFN
from tradewinds.measures.products import hts_universe
from tradewinds.measures.stacking import distinct_rows

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

    from tradewinds.measures.registry import Registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchResult:
    """Duties of the good lines (``table``), the bad fields (``errors``) and the input size."""

    table: pl.DataFrame
    errors: pl.DataFrame
    n_input: int

    @property
    def n_failed(self) -> int:
        """Number of input lines with at least one bad field."""
        return int(self.errors.get_column("row").n_unique()) if self.errors.height else 0


def duty_batch(
    lines: Any, *, registry: Registry | None = None, where: str = "the batch"
) -> BatchResult:
    """Stacked duties of every good line of ``lines``; bad lines are reported, not computed.

    ``lines`` is a polars or pandas frame, a mapping of columns named as in ``BATCH_COLUMNS``,
    or the path of a CSV file (read with :func:`read_lines`; the text columns are then freed as
    soon as they are parsed, which keeps a large batch's peak memory down).
    """
    import polars as pl

    snap = compiled(registry)
    if isinstance(lines, Path):
        lines = read_lines(lines)
    prepared = prepare_lines(lines, snap, strict=False, where=where)
    del lines
    cols = prepared.columns
    n = len(prepared)
    mfn = np.zeros(n)
    extra = np.zeros(n)
    incomplete = np.zeros(n, dtype=bool)
    by_key: dict[str, np.ndarray] = {}
    layer_code = np.zeros(n, dtype=np.int64)
    layer_names: list[str] = []
    layer_formulas: list[str] = []
    layer_index: dict[str, int] = {}
    for rows, ev in evaluate_frame(prepared, snap):
        incomplete[rows] = ev.mfn_incomplete
        is_mfn = np.array([m.programme == MFN for m in ev.measures], dtype=bool)
        shown = ev.applies & ((ev.base_share > 0) | is_mfn)
        if is_mfn.any():
            spec = np.nan_to_num(ev.mfn_specific)
            mfn[rows] = ev.amount[:, is_mfn].sum(axis=1) + spec
        if not is_mfn.all():
            extra[rows] = ev.amount[:, ~is_mfn].sum(axis=1)
        authorities: dict[str, list[int]] = {}
        for j, m in enumerate(ev.measures):
            if m.programme != MFN and shown[:, j].any():
                authorities.setdefault(m.authority, []).append(j)
        for key, js in authorities.items():
            col = by_key.setdefault(key, np.zeros(n))
            col[rows] = ev.amount[:, js].sum(axis=1)
        # one id string per distinct pattern of applied measures
        order = sorted(range(len(ev.measures)), key=lambda j: ev.measures[j].programme != MFN)
        patterns = shown[:, order]
        first, inverse = distinct_rows(patterns)
        codes = np.empty(len(first), dtype=np.int64)
        for k, row in enumerate(first.tolist()):
            on = patterns[row]
            applied = [ev.measures[j] for b, j in enumerate(order) if on[b]]
            text = ";".join(m.id for m in applied)
            codes[k] = layer_index.setdefault(text, len(layer_names))
            if codes[k] == len(layer_names):
                layer_names.append(text)
                layer_formulas.append(";".join(formula(m) for m in applied))
        layer_code[rows] = codes[inverse]
    value = cols["value"]
    universe = pl.Series(hts_universe().codes)
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pl.DataFrame(
            {
                "row": prepared.rows + 1,
                "hts": universe.gather(prepared.codes),
                "origin": _strings(prepared.factors["origin"]),
                "date": cols["date"],
                "customs_value": value,
                "mfn_duty": mfn.round(2),
                "additional_duty": extra.round(2),
                "total_duty": (mfn + extra).round(2),
                "additional_rate": (extra / value).round(6),
                "effective_rate": ((mfn + extra) / value).round(6),
                "mfn_incomplete": incomplete,
            }
        )
    table = table.with_columns(
        [pl.Series(f"duty_{key}", by_key[key].round(2)) for key in sorted(by_key)]
        + [pl.Series("layers", layer_names or [""], pl.String).gather(layer_code)]
        + [pl.Series("formulas", layer_formulas or [""], pl.String).gather(layer_code)]
    )
    records = prepared.errors.records()
    errors = pl.DataFrame(
        {
            "row": records["row"],
            "field": pl.Series(records["field"].tolist(), dtype=pl.String),
            "value": pl.Series(neutralise(records["value"].tolist()), dtype=pl.String),
            "error": pl.Series(neutralise(records["error"].tolist()), dtype=pl.String),
        }
    )
    return BatchResult(table, errors, prepared.n_input)


def _strings(factored: tuple[list[str], np.ndarray]) -> pl.Series:
    """A column of text from its distinct values and positions (no per-line conversion)."""
    import polars as pl

    labels, inverse = factored
    return pl.Series(labels, dtype=pl.String).gather(inverse)


def calculate_batch(
    lines: Any, *, registry: Registry | None = None, where: str = "the batch"
) -> pd.DataFrame:
    """Stacked duties of every line of ``lines`` as a pandas DataFrame (the Python API).

    Unlike :func:`duty_batch`, a bad line is an error: the first is raised as
    :class:`ScenarioError`, naming its row and field.
    """
    import polars as pl

    result = duty_batch(lines, registry=registry, where=where)
    if result.errors.height:
        first = result.errors.row(0, named=True)
        raise ScenarioError(
            f"{where}, row {first['row']}, field {first['field']!r}: {first['error']} "
            f"({result.n_failed} bad line(s) in all)."
        )
    import pandas as pd

    out = result.table.drop("row").with_columns(pl.col("date").dt.strftime("%Y-%m-%d"))
    return pd.DataFrame({name: out.get_column(name).to_numpy() for name in out.columns})


#: Formats a batch result can be written in, by file suffix.
OUTPUT_SUFFIXES = (".csv", ".xlsx")
#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(texts: list[str]) -> list[str]:
    """``texts`` safe to open in a spreadsheet: a leading formula character is quoted with ``'``.

    As OWASP recommends for CSV injection: a cell starting with ``=``, ``+``, ``-``, ``@``, tab
    or carriage return is prefixed with a single quote, so that it is shown as text. Applied to
    what a batch echoes of its input (the errors' values and messages); the duty table holds
    only validated codes, numbers and measure ids.
    """
    return [f"'{t}" if t.startswith(_FORMULA_START) else t for t in texts]


def write_csv(frame: Any, path: Path | IO[bytes]) -> None:
    """Write a batch result (polars or pandas) as CSV to ``path`` (a file path or binary stream)."""
    write_table(frame, path)


def write_table(frame: Any, path: Path | IO[bytes]) -> None:
    """Write a batch result as CSV, or as an Excel workbook when ``path`` ends in ``.xlsx``.

    A file is written whole or not at all (:func:`tradewinds.core.outputs.write_atomically`);
    a file that cannot be written is one :class:`ScenarioError` naming it.
    """
    import polars as pl

    if not isinstance(frame, pl.DataFrame):
        frame = pl.DataFrame({str(c): frame[c].to_numpy() for c in frame.columns})
    if not isinstance(path, Path):
        frame.write_csv(path, date_format="%Y-%m-%d")
        return
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise ScenarioError(
            f"Output file {str(path)!r} must end in {' or '.join(OUTPUT_SUFFIXES)} "
            f"(got {suffix or 'no suffix'!r})."
        )
    from tradewinds.core.outputs import write_atomically, write_xlsx

    def write(tmp: Path) -> None:
        if suffix == ".xlsx":
            write_xlsx(tmp, "duties", frame.columns, frame.iter_rows())
        else:
            frame.write_csv(tmp, date_format="%Y-%m-%d")

    write_atomically(path, write)


def read_lines(path: Path) -> pl.DataFrame:
    """Shipment lines of a CSV file; one :class:`ScenarioError` naming the file if unusable."""
    from tradewinds.core.inputs import check_input_file

    check_input_file(Path(path), "batch file")
    try:
        lines = read_csv(path)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "utf" in reason.lower() or "decode" in reason.lower():
            reason = "it is not UTF-8 text"
        raise ScenarioError(f"Cannot read batch file {str(path)!r}: {reason}.") from None
    if lines.height == 0:
        raise ScenarioError(
            f"Batch file {str(path)!r} has no shipment lines (only a header, or nothing); "
            "give one line per shipment under the header hts,origin,date,value,..."
        )
    return lines


def read_csv(path: Path) -> pl.DataFrame:
    """Read shipment lines as strings (numbers are parsed and checked by the calculator)."""
    import polars as pl

    return pl.read_csv(path, infer_schema=False, encoding="utf8")
