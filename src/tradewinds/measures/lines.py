"""Shipment lines as columns: read, validate and normalise them, without pandas.

One code path serves a single shipment (a table of one line, validated strictly: the first bad
field raises) and a batch (validated row by row: each bad line is recorded with its row number,
field and value, and left out, while the good lines are computed). Columns arrive as numpy arrays
(a single shipment, or a Python mapping), polars Series (a batch CSV) or a pandas DataFrame (the
Python API). String work is done once per *distinct* value of a column, so a million lines that
use a few thousand HTS codes parse a few thousand codes.

A single shipment on the packaged registry is first checked by the fast check of
:mod:`tradewinds.measures.single`, which accepts only what this validator accepts (and leaves
everything else to it); a rule made stricter here must be made at least as strict there, and
``tests/properties/test_single_line.py`` checks it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.measures.fields import (
    BATCH_COLUMNS,
    DECLARATIONS,
    FALSE_SPELLINGS,
    METALS,
    REQUIRED,
    TRUE_SPELLINGS,
)
from tradewinds.measures.mfn import normalise_unit
from tradewinds.measures.products import dotted, hts_universe, scope_mask

if TYPE_CHECKING:
    from tradewinds.measures.registry import Registry

_ISO3 = re.compile(r"[A-Z]{3}")
_HTS = re.compile(r"\d{8}|\d{10}")


@dataclass
class LineErrors:
    """Bad fields found while preparing lines: row (0-based, in input order), field, value, why."""

    rows: list[np.ndarray] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def add(self, rows: np.ndarray, name: str, value: object, message: str) -> None:
        """Record ``message`` about ``value`` of field ``name`` on ``rows``."""
        self.rows.append(np.asarray(rows, dtype=np.int64))
        self.fields.append(name)
        self.values.append("" if value is None else str(value))
        self.messages.append(message)

    def __len__(self) -> int:
        return int(sum(len(r) for r in self.rows))

    def bad_rows(self, n: int) -> np.ndarray:
        """Boolean mask over ``n`` input rows: True where some field is bad."""
        mask = np.zeros(n, dtype=bool)
        for rows in self.rows:
            mask[rows] = True
        return mask

    def records(self) -> dict[str, np.ndarray]:
        """One record per bad field of a line, sorted by row (row numbers 1-based)."""
        if not self.rows:
            empty = np.array([], dtype=object)
            return {
                "row": np.array([], dtype=np.int64),
                "field": empty,
                "value": empty,
                "error": empty,
            }
        sizes = [len(r) for r in self.rows]
        rows = np.concatenate(self.rows)
        kind = np.repeat(np.arange(len(sizes)), sizes)
        order = np.lexsort((kind, rows))
        pick = kind[order]
        return {
            "row": rows[order] + 1,
            "field": np.array(self.fields, dtype=object)[pick],
            "value": np.array(self.values, dtype=object)[pick],
            "error": np.array(self.messages, dtype=object)[pick],
        }


@dataclass
class PreparedLines:
    """Valid lines as aligned arrays, with the bad lines' errors.

    ``columns`` are named as in ``BATCH_COLUMNS`` and typed; ``codes`` are positions in the HTS
    universe; ``rows`` each line's 0-based row in the input; ``notes`` the metals whose undeclared
    share defaulted to the full value; ``errors`` the bad lines.
    """

    columns: dict[str, np.ndarray]
    codes: np.ndarray
    rows: np.ndarray
    notes: list[str]
    errors: LineErrors
    n_input: int

    def __len__(self) -> int:
        return len(self.codes)


def _is_polars(col: Any) -> bool:
    return type(col).__module__.startswith("polars")


def _columns(lines: Any) -> dict[str, Any]:
    """Column name -> polars Series or 1-d numpy array."""
    if _is_polars(lines):
        return {str(name): lines.get_column(name) for name in lines.columns}
    if hasattr(lines, "to_numpy") and hasattr(lines, "columns"):  # a pandas DataFrame
        out = {}
        for name in lines.columns:  # pandas marks a missing field with NaN: make it None
            values = lines[name].to_numpy(dtype=object, copy=True)
            values[lines[name].isna().to_numpy()] = None
            out[str(name)] = values
        return out
    if isinstance(lines, Mapping):
        return {str(k): np.asarray(v, dtype=object).reshape(-1) for k, v in lines.items()}
    raise TypeError(f"lines must be a DataFrame or a mapping of columns, not {type(lines)!r}")


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _factor(col: Any) -> tuple[np.ndarray, list[object]]:
    """Integer code per row and the distinct values (None for a missing field)."""
    if _is_polars(col):
        import polars as pl

        text = col.cast(pl.String)
        uniq = text.drop_nulls().unique(maintain_order=True)
        inv = text.cast(pl.Enum(uniq)).to_physical().fill_null(len(uniq)).to_numpy()
        return np.asarray(inv, dtype=np.intp), [*uniq.to_list(), None]
    seen: dict[object, int] = {}
    values: list[object] = []
    codes = np.empty(len(col), dtype=np.intp)
    for i, v in enumerate(col.tolist()):
        key = None if _missing(v) else v
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(values)
            values.append(key)
        codes[i] = k
    return codes, values


def _floats(col: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numbers, a mask of fields given (not empty) and a mask of fields that are not numbers.

    A field reading ``nan`` or ``inf`` is a given number (refused later as not finite), never an
    empty one.
    """
    if _is_polars(col):
        import polars as pl

        text = col.cast(pl.String).str.strip_chars()
        given = (text.is_not_null() & (text != "")).fill_null(False)
        num = text.cast(pl.Float64, strict=False)
        bad = (num.is_null() & given).to_numpy()
        values = num.fill_null(float("nan")).to_numpy().astype(float)
        return values, np.asarray(given.to_numpy(), dtype=bool), np.asarray(bad, dtype=bool)
    out = np.full(len(col), np.nan)
    given = np.zeros(len(col), dtype=bool)
    bad = np.zeros(len(col), dtype=bool)
    for i, v in enumerate(col.tolist()):
        if v is None or (isinstance(v, str) and v.strip() == ""):
            continue
        given[i] = True
        if isinstance(v, bool | np.bool_):
            bad[i] = True
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            bad[i] = True
    return out, given, bad


class _Check:
    """Raise on the first bad field (``strict``) or record it and carry on."""

    def __init__(self, strict: bool, where: str) -> None:
        self.strict = strict
        self.where = where
        self.errors = LineErrors()

    def fail(self, rows: np.ndarray, name: str, value: object, message: str) -> None:
        if self.strict:
            raise ScenarioError(f"{message} ({self.where})")
        self.errors.add(rows, name, value, message)

    def unknown(self, rows: np.ndarray, name: str, error: UnknownLabelError) -> None:
        if self.strict:
            raise error
        self.errors.add(rows, name, error.value, str(error))


def _rows_of(inv: np.ndarray, k: int) -> np.ndarray:
    return np.flatnonzero(inv == k)


def _hts(col: Any, check: _Check) -> np.ndarray:
    inv, uniq = _factor(col)
    universe = hts_universe()
    digits = [re.sub(r"[.\s]", "", str(u)) if u is not None else "" for u in uniq]
    idx, found = universe.find(np.array(digits, dtype=str))
    for k, (u, d) in enumerate(zip(uniq, digits, strict=True)):
        if found[k] and _HTS.fullmatch(d):
            continue
        rows = _rows_of(inv, k)
        if not len(rows):
            continue
        if u is None:
            check.fail(rows, "hts", u, "hts is empty; give an HTS10 code, e.g. 8703.23.0190")
            continue
        expected = "" if _HTS.fullmatch(d) else " (expected 10 digits, e.g. 8703.23.0190)"
        error = UnknownLabelError(
            "HTS code", str(u), universe.nearest(re.sub(r"\D", "", d)), f"the HTS{expected}"
        )
        check.unknown(rows, "hts", error)
    return np.asarray(np.asarray(idx, dtype=np.intp)[inv])


@functools.cache
@functools.cache
def _known_origins() -> frozenset[str]:
    """ISO 3166 alpha-3 codes (the package's country list)."""
    from tradewinds.core.countries import ISO3_CODES

    return frozenset(ISO3_CODES)


def _country(
    col: Any, name: str, check: _Check, known: Sequence[str] | frozenset[str] | None
) -> np.ndarray:
    inv, uniq = _factor(col)
    upper = ["" if u is None else str(u).strip().upper() for u in uniq]
    for k, (u, code) in enumerate(zip(uniq, upper, strict=True)):
        if _ISO3.fullmatch(code) and (known is None or code in known):
            continue
        rows = _rows_of(inv, k)
        if not len(rows):
            continue
        if u is None:
            check.fail(rows, name, u, f"{name} is empty; give an ISO3 country code (e.g. CAN)")
        elif known is not None:
            from tradewinds.core.countries import country_hint

            hint = country_hint(str(u), known)
            error = UnknownLabelError("country code", str(u), sorted(known), name, hint)
            check.unknown(rows, name, error)
        else:
            check.fail(rows, name, u, f"{name} {u!r} is not an ISO3 country code (e.g. CAN, MEX)")
    return np.asarray(np.array(upper, dtype=str)[inv])


def _dates(col: Any, check: _Check) -> np.ndarray:
    inv, uniq = _factor(col)
    parsed = np.full(len(uniq), np.datetime64("NaT"), dtype="datetime64[D]")
    for k, u in enumerate(uniq):
        text = "" if u is None else str(u).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError("not YYYY-MM-DD")
            parsed[k] = np.datetime64(dt.date.fromisoformat(text), "D")
            continue
        except ValueError as exc:
            reason = "is empty" if u is None else f"{u!r} is not a valid date YYYY-MM-DD ({exc})"
        rows = _rows_of(inv, k)
        if len(rows):
            check.fail(rows, "date", u, f"date {reason}")
    return np.asarray(parsed[inv])


def _flags(col: Any, name: str, check: _Check) -> np.ndarray:
    inv, uniq = _factor(col)
    out = np.zeros(len(uniq), dtype=bool)
    for k, u in enumerate(uniq):
        if isinstance(u, bool | np.bool_):
            out[k] = bool(u)
            continue
        if isinstance(u, int | np.integer) and int(u) in (0, 1):
            out[k] = bool(u)
            continue
        text = "" if u is None else str(u).strip().lower()
        if text in TRUE_SPELLINGS:
            out[k] = True
        elif text not in FALSE_SPELLINGS:
            rows = _rows_of(inv, k)
            if len(rows):
                check.fail(
                    rows,
                    name,
                    u,
                    f"{name} {u!r} is not a yes/no value; use one of "
                    f"{sorted(TRUE_SPELLINGS)} or {sorted(FALSE_SPELLINGS - {''})}",
                )
    return np.asarray(out[inv])


def _numbers(
    col: Any,
    name: str,
    check: _Check,
    *,
    low: float,
    high: float,
    low_open: bool,
    what: str,
    required: bool = False,
) -> np.ndarray:
    """Floats in [low, high] (``(low, high]`` if ``low_open``); NaN where empty (if allowed)."""
    values, given, bad = _floats(col)
    inside = np.isfinite(values) & (values <= high)  # comparisons with NaN are False, silently
    inside &= (values > low) if low_open else (values >= low)
    out_of = given & ~bad & ~inside
    if required and not given.all():
        check.fail(np.flatnonzero(~given), name, "", f"{name} is empty; it is required")
    for mask, reason in ((bad, "is not a number"), (out_of, what)):
        rows = np.flatnonzero(mask)
        groups: dict[str, list[int]] = {}
        for i in rows.tolist():  # one record per distinct bad value keeps the summary short
            groups.setdefault(str(col[i]), []).append(i)
        for text, sel in groups.items():
            check.fail(np.array(sel), name, text, f"{name} {text!r} {reason}")
    values = values.copy()
    values[bad | out_of] = np.nan
    return values


def prepare(
    lines: Any, registry: Registry, *, strict: bool = False, where: str = "the input"
) -> PreparedLines:
    """Validate and normalise ``lines``; see the module docstring for strict and batch modes."""
    cols = _columns(lines)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise ScenarioError(f"{where} lacks column(s) {missing}; required: {', '.join(REQUIRED)}.")
    unknown = [c for c in cols if c not in BATCH_COLUMNS]
    if unknown:
        raise ScenarioError(
            f"{where} has unknown column(s) {unknown}; allowed: {list(BATCH_COLUMNS)}."
        )
    n = len(cols["hts"])
    check = _Check(strict, where)
    out: dict[str, np.ndarray] = {}
    codes = _hts(cols["hts"], check)
    out["origin"] = _country(cols["origin"], "origin", check, _known_origins())
    importers = sorted({m.imposing for m in registry.measures} | {"USA"})
    out["importer"] = (
        _country(cols["importer"], "importer", check, importers)
        if "importer" in cols
        else np.full(n, "USA", dtype="<U3")
    )
    out["date"] = _dates(cols["date"], check)
    out["value"] = _numbers(
        cols["value"],
        "value",
        check,
        low=0.0,
        high=math.inf,
        low_open=True,
        what="must be a finite amount of US dollars above 0",
        required=True,
    )
    share = "must be a share of the customs value between 0 and 1 (e.g. 0.4 for 40%)"
    for name in ("us_content", *METALS):
        out[name] = (
            _numbers(cols[name], name, check, low=0.0, high=1.0, low_open=False, what=share)
            if name in cols
            else np.full(n, np.nan)
        )
    out["quantity"] = (
        _numbers(
            cols["quantity"],
            "quantity",
            check,
            low=0.0,
            high=math.inf,
            low_open=False,
            what="must be a finite quantity, 0 or more",
        )
        if "quantity" in cols
        else np.full(n, np.nan)
    )
    for name in ("usmca", "transshipped", *DECLARATIONS):
        out[name] = _flags(cols[name], name, check) if name in cols else np.zeros(n, dtype=bool)
    unit_inv, unit_uniq = (
        _factor(cols["unit"]) if "unit" in cols else (np.zeros(n, np.intp), [None])
    )
    units = ["" if u is None else str(u).strip() for u in unit_uniq]
    for k, u in enumerate(units):
        if u and normalise_unit(u) is None:
            rows = _rows_of(unit_inv, k)
            if len(rows):
                check.fail(rows, "unit", u, f"unit {u!r} is unknown; use e.g. kg, liter, each")
    out["unit"] = np.array(units, dtype=str)[unit_inv]
    _check_dates(out["date"], registry, check)
    # lines with a bad field are left out; the rest are computed
    keep = ~check.errors.bad_rows(n)
    rows = np.flatnonzero(keep)
    if not keep.all():
        out = {k: v[rows] for k, v in out.items()}
        codes = codes[rows]
    # a declared metal content (before undeclared shares default) selects the 2026 metals
    # regime's exclusion of articles at or below its content threshold
    out["metal_declared"] = np.asarray(
        np.column_stack([~np.isnan(out[m]) for m in METALS]).any(axis=1), dtype=bool
    )
    notes = _metal_defaults(out, codes, registry, strict, check, rows)
    keep = ~check.errors.bad_rows(n)[rows]  # shares that add up to more than 1
    if not keep.all():
        out = {k: v[keep] for k, v in out.items()}
        codes, rows = codes[keep], rows[keep]
    out["quantity"] = _quantity_in_rate_unit(out, codes, strict)
    out["hts"] = hts_universe().codes[codes]
    return PreparedLines(out, codes, rows, notes, check.errors, n)


def _check_dates(dates: np.ndarray, registry: Registry, check: _Check) -> None:
    from tradewinds.measures.registry import START_DATE

    valid = ~np.isnat(dates)
    if not valid.any():
        return
    early = valid & (dates < np.datetime64(START_DATE, "D"))
    if early.any():
        rows = np.flatnonzero(early)
        value = str(dates[rows[0]])
        if check.strict:
            registry.check_date(dt.date.fromisoformat(value))
        for day in np.unique(dates[rows]):
            check.fail(
                rows[dates[rows] == day],
                "date",
                str(day),
                f"date {str(day)!r} is before {START_DATE.isoformat()}: the registry starts on "
                "2025-01-01",
            )
    late = valid & ~early
    if late.any():
        registry.check_date(dt.date.fromisoformat(str(dates[late].max())))


def _coverage(
    registry: Registry, window: tuple[dt.date, dt.date] | None = None
) -> dict[str, np.ndarray]:
    """Per metal, which HTS codes some in-force metal programme valid in ``window`` can cover.

    ``window`` is the (first, last) date of the lines, inclusive; ``None`` takes every date.
    """
    from tradewinds.measures.registry import scope_masks

    masks = scope_masks(registry)
    size = len(hts_universe().codes)
    cover = {}
    for metal in METALS:
        ids = [
            m.id
            for m in registry.measures
            if m.metal == metal and m.status == "in_force" and _overlaps(m, window)
        ]
        # kept beside the measures' masks (no id holds a NUL); few distinct sets of measures
        key = "\0" + metal + "\0" + ",".join(ids)
        if key in masks:
            cover[metal] = masks[key]
            continue
        mask = np.zeros(size, dtype=bool)
        for mid in ids:
            if mid not in masks:
                measure = registry.get(mid)
                masks[mid] = scope_mask(measure.scope, where=f"measure {mid!r}")
            mask |= masks[mid]
        cover[metal] = masks[key] = mask
    return cover


def _overlaps(m: Any, window: tuple[dt.date, dt.date] | None) -> bool:
    """Whether measure ``m``'s half-open window meets the dates ``window`` (first, last)."""
    if window is None:
        return True
    first, last = window
    return bool(m.effective_from <= last and (m.effective_to is None or m.effective_to > first))


def _metal_defaults(
    out: dict[str, np.ndarray],
    codes: np.ndarray,
    registry: Registry,
    strict: bool,
    check: _Check,
    rows: np.ndarray,
) -> list[str]:
    """Fill undeclared metal shares: full value where one metal programme can cover the line.

    CBP assesses the full value when the metal content is not shown. Where several metals could
    apply and none is declared, a single shipment is refused (``strict``) and a batch splits the
    value equally between them.
    """
    notes: list[str] = []
    dates = out["date"][~np.isnat(out["date"])]
    window = (dates.min().astype(dt.date), dates.max().astype(dt.date)) if len(dates) else None
    covered = _coverage(registry, window)
    declared = np.column_stack([~np.isnan(out[m]) for m in METALS])
    cover = np.column_stack([covered[m][codes] for m in METALS])
    undeclared_all = ~declared.any(axis=1)
    n_cover = cover.sum(axis=1)
    if strict and (undeclared_all & (n_cover > 1)).any():
        raise ScenarioError(
            "This article can fall under several Section 232 metal programmes "
            f"({', '.join(m for m, c in zip(METALS, cover[0], strict=True) if c)}). Declare the "
            "content shares, e.g. --metal-content steel=0.6 --metal-content aluminum=0.2."
        )
    for k, metal in enumerate(METALS):
        fill = undeclared_all & cover[:, k]
        share = np.where(fill, 1.0 / np.maximum(n_cover, 1), 0.0)
        out[metal] = np.where(declared[:, k], np.nan_to_num(out[metal]), share)
        if strict and fill.any():
            notes.append(metal)
    total = out["steel"] + out["aluminum"] + out["copper"]
    over = total > 1 + 1e-9
    if over.any():
        i = int(np.flatnonzero(over)[0])
        message = (
            f"Metal content shares add up to {total[i]:.3f} > 1: steel, aluminum and copper are "
            "shares of the customs value and must sum to at most 1"
        )
        if strict:
            raise ScenarioError(f"{message} (line {i + 1}).")
        check.fail(rows[over], "steel+aluminum+copper", f"{total[i]:.3f}", message)
    return notes


def _quantity_in_rate_unit(
    out: dict[str, np.ndarray], codes: np.ndarray, strict: bool
) -> np.ndarray:
    rate_unit = hts_universe().columns["mfn_unit"][codes]
    qty = out["quantity"]
    units = out["unit"].astype(str)
    result = np.full(len(codes), np.nan)
    for unit in sorted(set(units[~np.isnan(qty)].tolist())):
        canonical = normalise_unit(unit) if unit else None
        sel = (units == unit) & ~np.isnan(qty)
        ok = sel & (rate_unit == canonical)
        bad = sel & (rate_unit != "") & (rate_unit != canonical)
        if strict and bad.any():
            expected = str(rate_unit[int(np.flatnonzero(bad)[0])])
            raise ScenarioError(
                f"Quantity unit {unit or '(none)'!r} does not match the MFN rate's unit "
                f"{expected!r}; give --quantity in {expected} with --unit {expected}."
            )
        result[ok] = qty[ok]
    return result


__all__ = ["BATCH_COLUMNS", "METALS", "LineErrors", "PreparedLines", "dotted", "prepare"]
