"""Shipment lines as columns: read, validate and normalise them, without pandas.

One code path serves a single shipment (a table of one line, validated strictly: the first bad
field raises) and a batch (validated row by row: each bad line is recorded with its row number,
field and value, and left out, while the good lines are computed). Columns arrive as numpy arrays
(a single shipment, or a Python mapping), polars Series (a batch CSV) or a pandas DataFrame (the
Python API). String work is done once per *distinct* value of a column, so a million lines that
use a few thousand HTS codes parse a few thousand codes.

Every check that depends on a line is made on that line alone (its own date selects the
regime whose metal programmes default its undeclared metal shares), so a line's duty never
depends on the other lines of its batch (``tests/properties/test_line_independence.py``).
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
    MAX_FIELD,
    METALS,
    NUMBERS,
    REQUIRED,
    USMCA_PARTIES,
    check_unit,
    number_message,
    parse_date,
    parse_flag,
)
from tradewinds.measures.mfn import normalise_unit
from tradewinds.measures.products import dotted, hts_universe
from tradewinds.measures.stacking import among

if TYPE_CHECKING:
    from tradewinds.measures.compiled import Compiled

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
        text = "" if value is None else str(value)
        self.values.append(text if len(text) <= MAX_FIELD else f"{text[:MAX_FIELD]}...")
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
    share defaulted to the full value; ``errors`` the bad lines; ``factors`` the ``origin`` and
    ``importer`` columns as (distinct codes, each line's position among them), so that grouping
    lines by country never sorts strings.
    """

    columns: dict[str, np.ndarray]
    codes: np.ndarray
    rows: np.ndarray
    notes: list[str]
    errors: LineErrors
    n_input: int
    factors: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)

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

    def __init__(self, strict: bool, n: int) -> None:
        self.strict = strict
        self.errors = LineErrors()
        #: Rows already refused for an over-long field: their other fields are not reported.
        self.skip = np.zeros(n, dtype=bool)

    def fail(self, rows: np.ndarray, name: str, value: object, message: str) -> None:
        if self.strict:  # one line: the message says what and which field, as a sentence
            raise ScenarioError(message if message.endswith(".") else f"{message}.")
        rows = np.asarray(rows)
        rows = rows[~self.skip[rows]]
        if len(rows):
            self.errors.add(rows, name, value, message)

    def unknown(self, rows: np.ndarray, name: str, error: UnknownLabelError) -> None:
        if self.strict:
            raise error
        rows = np.asarray(rows)
        rows = rows[~self.skip[rows]]
        if len(rows):
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
) -> tuple[np.ndarray, tuple[list[str], np.ndarray]]:
    """Upper-case codes, and their factors (distinct codes, each row's position among them)."""
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
    return np.asarray(np.array(upper, dtype=str)[inv]), (upper, inv)


def _dates(col: Any, check: _Check) -> np.ndarray:
    inv, uniq = _factor(col)
    parsed = np.full(len(uniq), np.datetime64("NaT"), dtype="datetime64[D]")
    for k, u in enumerate(uniq):
        try:
            if u is None:
                raise ValueError("date is empty")
            parsed[k] = np.datetime64(parse_date(u), "D")
            continue
        except ValueError as exc:
            message = str(exc)
        rows = _rows_of(inv, k)
        if len(rows):
            check.fail(rows, "date", u, message)
    return np.asarray(parsed[inv])


def _flags(col: Any, name: str, check: _Check) -> np.ndarray:
    inv, uniq = _factor(col)
    out = np.zeros(len(uniq), dtype=bool)
    for k, u in enumerate(uniq):
        if u is None:  # an empty field means no
            continue
        try:
            out[k] = parse_flag(name, u.item() if isinstance(u, np.generic) else u)
        except ValueError as exc:
            rows = _rows_of(inv, k)
            if len(rows):
                check.fail(rows, name, u, str(exc))
    return np.asarray(out[inv])


def _numbers(col: Any, name: str, check: _Check, *, required: bool = False) -> np.ndarray:
    """Floats in the range of ``NUMBERS[name]``; NaN where empty (if allowed) or refused."""
    rule = NUMBERS[name]
    values, given, bad = _floats(col)
    inside = np.isfinite(values) & (values <= rule.high)  # comparisons with NaN are False
    inside &= (values > rule.low) if rule.low_open else (values >= rule.low)
    out_of = given & ~bad & ~inside
    if required and not given.all():
        check.fail(np.flatnonzero(~given), name, "", f"{name} is empty; it is required")
    refused = bad | out_of
    if not refused.any():
        return values
    for mask, number in ((bad, False), (out_of, True)):
        rows = np.flatnonzero(mask)
        groups: dict[str, list[int]] = {}
        for i in rows.tolist():  # one record per distinct bad value keeps the summary short
            groups.setdefault(str(col[i]), []).append(i)
        for text, sel in groups.items():
            check.fail(np.array(sel), name, text, number_message(name, text, number))
    values = values.copy()
    values[refused] = np.nan
    return values


def prepare(
    lines: Any, registry: Compiled, *, strict: bool = False, where: str = "the input"
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
    check = _Check(strict, n)
    cols = _bounded(cols, check)
    out: dict[str, np.ndarray] = {}
    codes = _hts(cols["hts"], check)
    factors: dict[str, tuple[list[str], np.ndarray]] = {}
    out["origin"], factors["origin"] = _country(cols["origin"], "origin", check, _known_origins())
    if "importer" in cols:
        importers = sorted(registry.importers)
        out["importer"], factors["importer"] = _country(
            cols["importer"], "importer", check, importers
        )
    else:
        out["importer"] = np.full(n, "USA", dtype="<U3")
        factors["importer"] = (["USA"], np.zeros(n, dtype=np.intp))
    out["date"] = _dates(cols["date"], check)
    out["value"] = _numbers(cols["value"], "value", check, required=True)
    for name in ("us_content", *METALS, "quantity"):
        out[name] = _numbers(cols[name], name, check) if name in cols else np.full(n, np.nan)
    for name in ("usmca", "transshipped", *DECLARATIONS):
        out[name] = _flags(cols[name], name, check) if name in cols else np.zeros(n, dtype=bool)
    unit_inv, unit_uniq = (
        _factor(cols["unit"]) if "unit" in cols else (np.zeros(n, np.intp), [None])
    )
    units = ["" if u is None else str(u).strip() for u in unit_uniq]
    for k, u in enumerate(units):
        try:
            check_unit(u)
        except ValueError as exc:
            rows = _rows_of(unit_inv, k)
            if len(rows):
                check.fail(rows, "unit", u, str(exc))
    out["unit"] = np.array(units, dtype=str)[unit_inv]
    _check_dates(out["date"], registry, check)
    _check_parties(out, check)
    # lines with a bad field are left out; the rest are computed
    keep = ~check.errors.bad_rows(n)
    rows = np.flatnonzero(keep)
    if not keep.all():
        out = {k: v[rows] for k, v in out.items()}
        codes = codes[rows]
        factors = {k: (labels, inv[rows]) for k, (labels, inv) in factors.items()}
    # a declared metal content (before undeclared shares default) selects the 2026 metals
    # regime's exclusion of articles at or below its content threshold
    out["metal_declared"] = ~(
        np.isnan(out["steel"]) & np.isnan(out["aluminum"]) & np.isnan(out["copper"])
    )
    notes = _metal_defaults(out, codes, registry, strict, check, rows)
    keep = ~check.errors.bad_rows(n)[rows]  # shares that add up to more than 1
    if not keep.all():
        out = {k: v[keep] for k, v in out.items()}
        codes, rows = codes[keep], rows[keep]
        factors = {k: (labels, inv[keep]) for k, (labels, inv) in factors.items()}
    out["quantity"] = _quantity_in_rate_unit(out, codes, strict)
    out["hts"] = hts_universe().codes[codes]
    return PreparedLines(out, codes, rows, notes, check.errors, n, factors)


def _bounded(cols: dict[str, Any], check: _Check) -> dict[str, Any]:
    """Refuse fields longer than ``MAX_FIELD`` characters before anything parses them."""
    out = dict(cols)
    for name, col in cols.items():
        if _is_polars(col):
            import polars as pl

            text = col.cast(pl.String)
            if not (text.str.len_chars() > MAX_FIELD).any():
                continue
            long = (text.str.len_chars().fill_null(0) > MAX_FIELD).to_numpy()
            out[name] = text.zip_with(
                pl.Series(~long), pl.Series([None] * len(long), dtype=pl.String)
            )
        else:
            values = np.asarray(col, dtype=object)
            items = values.tolist()
            if not any(isinstance(v, str) and len(v) > MAX_FIELD for v in items):
                continue
            long = np.array([isinstance(v, str) and len(v) > MAX_FIELD for v in items], bool)
            values = values.copy()
            values[long] = None
            out[name] = values
        rows = np.flatnonzero(long)
        first = str(col[int(rows[0])])
        check.fail(
            rows,
            name,
            first,
            f"{name} is {len(first):,} characters long; a field holds at most {MAX_FIELD}",
        )
        check.skip[rows] = True
    return out


def _check_parties(out: dict[str, np.ndarray], check: _Check) -> None:
    """Refuse goods of the importer's own origin, and USMCA claims outside USMCA's parties."""
    origin, importer = out["origin"], out["importer"]
    same = origin == importer
    if check.errors.rows:  # a bad origin or importer is reported already
        fine = ~check.errors.bad_rows(len(origin))
        same &= fine
    else:
        fine = np.ones(len(origin), dtype=bool)
    own = (
        "origin {} is the importing country itself: its own goods pay none of these duties "
        "(goods returned after export enter under HTS chapter 98); give the country where the "
        "goods were made"
    )
    _fail_by_origin(check, same, origin, "origin", own)
    claims = out["usmca"]
    if not claims.any():
        return
    parties = among(origin, USMCA_PARTIES) & among(importer, USMCA_PARTIES)
    outside = (
        f"a USMCA claim needs goods of a USMCA party ({', '.join(USMCA_PARTIES)}) imported by "
        "another; origin {} cannot claim it (drop the USMCA claim)"
    )
    _fail_by_origin(check, claims & ~parties & ~same & fine, origin, "usmca", outside)


def _fail_by_origin(
    check: _Check, bad: np.ndarray, origin: np.ndarray, name: str, message: str
) -> None:
    """Refuse field ``name`` of the ``bad`` lines, one record per origin (``{}`` in ``message``)."""
    for code in np.unique(origin[bad]).tolist() if bad.any() else ():
        check.fail(np.flatnonzero(bad & (origin == code)), name, code, message.format(code))


def _check_dates(dates: np.ndarray, registry: Compiled, check: _Check) -> None:
    from tradewinds.measures.fields import START_DATE

    valid = ~np.isnat(dates)
    if len(dates) == 1 or valid.all():
        if not len(dates) or not valid[0] or dates.min() >= np.datetime64(START_DATE, "D"):
            if len(dates) and valid[0]:
                registry.check_date(dates.max().astype(dt.date))
            return
    elif not valid.any():
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
    late = dates[valid & ~early]
    if len(late):
        registry.check_date(late.max().astype(dt.date))


def _coverage(registry: Compiled, codes: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """(lines x metals): whether a metal programme in force on each line's own date covers it."""
    cover = np.zeros((len(codes), len(METALS)), dtype=bool)
    if not len(codes):
        return cover
    seg = registry.regime_index(dates)
    segments = [int(seg[0])] if len(seg) == 1 else np.unique(seg).tolist()
    for s in segments:
        masks = registry.metal_masks(s)
        if not masks:
            continue
        if len(segments) == 1:
            for k, mask in masks:
                cover[:, k] = mask[codes]
            continue
        rows = np.flatnonzero(seg == s)
        at = codes[rows]
        for k, mask in masks:
            cover[rows, k] = mask[at]
    return cover


def _metal_defaults(
    out: dict[str, np.ndarray],
    codes: np.ndarray,
    registry: Compiled,
    strict: bool,
    check: _Check,
    rows: np.ndarray,
) -> list[str]:
    """Fill undeclared metal shares: full value where one metal programme can cover the line.

    CBP assesses the full value when the metal content is not shown. Where several metal
    programmes can cover the article on the line's date and none is declared, the line is
    refused: the shares must be declared (a guess would be silently wrong).
    """
    declared = [~np.isnan(out[m]) for m in METALS]
    cover = _coverage(registry, codes, out["date"])
    undeclared_all = ~out["metal_declared"]
    n_cover = cover.sum(axis=1)
    several = undeclared_all & (n_cover > 1)
    for pattern in np.unique(cover[several], axis=0) if several.any() else ():
        names = ", ".join(m for m, c in zip(METALS, pattern, strict=True) if c)
        message = (
            f"this article can fall under several Section 232 metal programmes ({names}) on "
            "its date: declare the content shares (steel, aluminum, copper as shares of the "
            "customs value; --metal-content steel=0.6 on the command line)"
        )
        if strict:
            raise ScenarioError(f"{message[0].upper()}{message[1:]}.")
        check.fail(rows[several & (cover == pattern).all(axis=1)], "metal content", "", message)
    notes: list[str] = []
    for k, metal in enumerate(METALS):
        fill = undeclared_all & cover[:, k] & ~several
        out[metal] = np.where(declared[k], out[metal], np.where(fill, 1.0, 0.0))
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
