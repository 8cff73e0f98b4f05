"""The scalar path of one duty line against the columnar validator and engine.

Two claims keep the single-line path (:mod:`tradewinds.measures.single`) from forking the duty
rules:

- its fast input check is *at least as strict* as ``lines.prepare``: whatever it accepts,
  ``prepare`` accepts in strict mode, with the same normalised values (Hypothesis, inputs mixing
  valid and invalid fields of every kind);
- on the packaged registry, ``calculate`` (scalar path, or its fallback) and the columnar path
  give identical results: the same layers (rates, bases and amounts compared exactly, so to the
  cent and beyond), notes, warnings and errors, on thousands of lines drawn from the packaged
  import weights and HTS table, over dates around every regime boundary of the registry and past
  its coverage date, with every flag, metal shares around the 2026 threshold, quantities in the
  rate's unit or another, and the three importers.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import pickle
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tradewinds.core.countries import ISO3_CODES
from tradewinds.core.errors import TradewindsError
from tradewinds.measures import duty, single
from tradewinds.measures.etr import weights
from tradewinds.measures.fields import DECLARATIONS, METALS
from tradewinds.measures.products import dotted, hts_universe
from tradewinds.measures.registry import load_registry

pytestmark = pytest.mark.property

SNAP = single.snapshot()
BOUNDS = [d for d in SNAP.bounds if d.year < 2028]
OPTIONS = ("importer", "usmca", "us_content", "quantity", "unit", "transshipped", *DECLARATIONS)


def _outcome(fn: Any, *args: Any, **kwargs: Any) -> tuple[str, Any, list[str]]:
    """("ok", result, warnings) or ("error", (type, message), warnings) of ``fn``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except TradewindsError as exc:
            out = ("error", (type(exc).__name__, str(exc)))
    return (*out, [f"{w.category.__name__}: {w.message}" for w in caught])


def _columnar(hts: str, origin: str, date: Any, value: Any, **kw: Any) -> duty.DutyResult:
    """``calculate`` through the columnar path only (same option checks first)."""
    metal = dict(kw.pop("metal_content", None) or {})
    duty._check_options(metal, kw.get("quantity"), kw.get("unit"))
    declared = {name: kw.pop(name, False) for name in DECLARATIONS}
    base = {
        "importer": "USA",
        "usmca": False,
        "us_content": None,
        "quantity": None,
        "unit": None,
        "transshipped": False,
    }
    return duty._calculate_columnar(
        hts,
        origin,
        date,
        value,
        **{**base, **kw},
        metal_content=metal,
        registry=load_registry(),
        declared=declared,
    )


# --- equivalence on drawn lines ------------------------------------------------------------------


def _dates(rng: np.random.Generator, n: int) -> list[str]:
    """Dates at, just before and just after every boundary, and uniform up to mid-2028."""
    around = [b + dt.timedelta(days=k) for b in BOUNDS for k in (-1, 0, 1)]
    around = [d for d in around if d >= dt.date(2025, 1, 1)]
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            out.append(around[int(rng.integers(len(around)))])
        else:
            out.append(dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1277))))
    return [d.isoformat() for d in out]


def _draw_lines(n: int, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    universe = hts_universe()
    w = weights()
    imported = w[w["hts10"].isin(universe.codes)]
    hts10, country = imported["hts10"].to_numpy(), imported["country"].to_numpy()
    codes = list(universe.codes)
    metal_codes = [c for c in codes if c[:2] in ("72", "73", "74", "76", "84", "85", "87", "94")]
    origins = ["CAN", "MEX", "CHN", "BRA", "DEU", "JPN", "IND", "KOR", "VNM", "USA", "GBR"]
    dates = _dates(rng, n)
    lines = []
    for i in range(n):
        u = rng.random()
        if u < 0.5:
            k = int(rng.integers(len(imported)))
            hts, origin = str(hts10[k]), str(country[k])
        elif u < 0.8:
            hts, origin = str(metal_codes[int(rng.integers(len(metal_codes)))]), "CAN"
        else:
            hts, origin = str(codes[int(rng.integers(len(codes)))]), "MEX"
        if rng.random() < 0.3:
            origin = origins[int(rng.integers(len(origins)))]
        if rng.random() < 0.3:
            hts = dotted(hts)
        row = universe.columns
        pos = int(np.searchsorted(universe.codes, hts.replace(".", "")))
        line: dict[str, Any] = {
            "hts": hts,
            "origin": origin.lower() if rng.random() < 0.05 else origin,
            "date": dates[i],
            "value": round(float(rng.uniform(1, 200_000)), 2) if rng.random() < 0.9 else 5000,
            "importer": "USA",
            "usmca": bool(rng.random() < 0.4),
            "transshipped": bool(rng.random() < 0.1),
        }
        if rng.random() < 0.1:  # Canada's surtax on US goods, Mexico's tariff on Asian ones
            line["importer"] = "CAN"
            line["origin"] = "USA" if rng.random() < 0.7 else line["origin"]
        elif rng.random() < 0.1:
            line["importer"] = "MEX"
            line["origin"] = ["CHN", "KOR", "IND", "BRA", "DEU"][int(rng.integers(5))]
        if rng.random() < 0.4:
            line["us_content"] = float(rng.choice([0.0, 0.2, 0.4, 0.75, 1.0, rng.random()]))
        if rng.random() < 0.4:
            shares = [0.0, 0.05, 0.1, 0.15, 0.15 + 1e-9, 0.16, 0.3, 0.5, 0.8, 1.0]
            names = [m for m in METALS if rng.random() < 0.5] or ["steel"]
            line["metal_content"] = {m: float(rng.choice(shares)) for m in names}
        unit = str(row["mfn_unit"][pos])
        if rng.random() < 0.3:
            line["quantity"] = float(rng.choice([0.0, 1.0, 12.5, rng.uniform(0, 1e4)]))
            line["unit"] = unit if unit and rng.random() < 0.8 else "kg"
        elif rng.random() < 0.05:
            line["unit"] = "each"
        for name in DECLARATIONS:
            if rng.random() < 0.1:
                line[name] = True
        lines.append(line)
    return lines


def test_drawn_lines_agree_with_the_columnar_engine() -> None:
    lines = _draw_lines(3000, seed=15)
    scalar_used = 0
    layers_seen = 0  # lines with an additional duty
    for line in lines:
        kw = dict(line)
        args = (kw.pop("hts"), kw.pop("origin"), kw.pop("date"), kw.pop("value"))
        got = _outcome(duty.calculate, *args, **kw)
        want = _outcome(_columnar, *args, **kw)
        assert got == want, line
        if got[0] == "ok":
            assert json.dumps(got[1].to_dict()) == json.dumps(want[1].to_dict())
            layers_seen += got[1].additional_duty > 0
        metal = {k: v for k, v in kw.items() if k == "metal_content"}
        declared = {k: kw[k] for k in DECLARATIONS if k in kw}
        rest = {k: v for k, v in kw.items() if k in OPTIONS and k not in DECLARATIONS}
        accepted = single.check_line(SNAP, *args, **rest, **metal, declared=declared)
        scalar_used += accepted is not None
        if accepted is not None:
            assert got[0] == "ok", line
    # the scalar path must carry the ordinary lines (the rest are refused by both paths)
    assert scalar_used > 0.7 * len(lines)
    assert layers_seen > 0.3 * len(lines)


def test_snapshot_holds_plain_python_only() -> None:
    blob = pickle.dumps(SNAP, protocol=pickle.HIGHEST_PROTOCOL)
    for module in (b"numpy", b"pydantic", b"pandas", b"polars"):
        assert module not in blob
    assert len(SNAP.regimes) == len(SNAP.bounds) + 1
    assert len(SNAP.code_rows) == len(hts_universe().codes)


def test_user_measure_files_take_the_columnar_path(tmp_path: Any) -> None:
    """A registry with user files is not the snapshot's: calculate must not use the snapshot."""
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "programme: test_extra\nmeasures:\n"
        "  - id: test-extra-widgets\n    title: Test duty on widgets\n"
        "    authority: section_301\n    programme: test_extra\n    legal_basis: test\n"
        "    imposing: USA\n    targets: [CAN]\n    scope: {hts_prefixes: ['7208']}\n"
        "    rate: 0.1\n    effective_from: 2025-01-01\n    sources: [{key: test}]\n",
        encoding="utf-8",
    )
    registry = load_registry([extra])
    result = duty.calculate("7208.10.1500", "CAN", "2025-02-01", 1000.0, registry=registry)
    assert "test-extra-widgets" in {x.measure_id for x in result.layers}
    plain = duty.calculate("7208.10.1500", "CAN", "2025-02-01", 1000.0)
    assert "test-extra-widgets" not in {x.measure_id for x in plain.layers}


# --- the fast check is at least as strict as prepare ---------------------------------------------

_CODES = list(hts_universe().codes[::97])


def _text(values: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), st.text(max_size=12))


def _mostly(valid: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> Any:
    """``valid`` nine times in ten, else ``odd`` (so that whole lines are often acceptable)."""
    return st.sampled_from(range(10)).flatmap(lambda k: odd if k == 0 else valid)


_hts = _mostly(
    st.one_of(
        st.sampled_from(_CODES),
        st.sampled_from(_CODES).map(dotted),
        st.sampled_from(_CODES).map(lambda c: f" {c[:4]}.{c[4:]} "),
    ),
    st.one_of(
        st.sampled_from(_CODES).map(lambda c: c[:-1] + "x"),
        st.text(alphabet="0123456789. ٣", max_size=12),
    ),
)
_country = _mostly(
    st.one_of(st.sampled_from(sorted(ISO3_CODES)), st.sampled_from(["can", " Mex ", "usa", "cıv"])),
    st.one_of(st.sampled_from(["XYZ", "", "CANADA"]), st.text(max_size=4)),
)
_importer = _mostly(st.sampled_from(["USA", "CAN", "MEX", "usa", " mex"]), _country)
_date = _mostly(
    st.one_of(
        st.sampled_from(BOUNDS).map(str),
        st.dates(dt.date(2024, 12, 1), dt.date(2029, 1, 1)),
        st.dates(dt.date(2025, 1, 1), dt.date(2029, 1, 1)).map(lambda d: f" {d} "),
    ),
    st.sampled_from(["2025-02-30", "2025-1-05", "", "２０２５-01-01", "2025-06-01T00:00"]),
)
_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 10**6),
    st.sampled_from([0, 0.0, -0.0, 1, 1.0, True, "0.5", "", None, math.nan, 10**400]),
)
_value = _mostly(
    st.one_of(st.floats(min_value=0.01, max_value=1e9), st.integers(1, 10**6)), _number
)
_share = _mostly(st.one_of(st.none(), st.floats(min_value=0, max_value=1)), _number)
_metal_share = _mostly(st.sampled_from([0.0, 0.1, 0.15, 0.15 + 1e-9, 0.3, 0.5]), _number)
_flag = st.one_of(st.booleans(), st.sampled_from([0, 1, 2, "yes", "no", "", None, 1.0]))
_unit = _mostly(st.none(), st.sampled_from(["kg", " KG ", "each", "doz.", "liter", "", "  ", "x"]))
_names = ("usmca", "transshipped", *DECLARATIONS)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hts=_hts,
    origin=_country,
    importer=_importer,
    date=_date,
    value=_value,
    us_content=_share,
    metals=st.dictionaries(st.sampled_from(METALS), _metal_share, max_size=3),
    quantity=_mostly(st.none(), _number),
    unit=_unit,
    flags=_mostly(
        st.fixed_dictionaries(dict.fromkeys(_names, st.booleans())),
        st.fixed_dictionaries(dict.fromkeys(_names, _flag)),
    ),
)
def test_fast_check_is_at_least_as_strict_as_prepare(
    hts: str,
    origin: str,
    importer: str,
    date: Any,
    value: Any,
    us_content: Any,
    metals: dict[str, Any],
    quantity: Any,
    unit: str | None,
    flags: dict[str, Any],
) -> None:
    declared = {name: flags[name] for name in DECLARATIONS}
    line = single.check_line(
        SNAP,
        hts,
        origin,
        date,
        value,
        importer=importer,
        usmca=flags["usmca"],
        us_content=us_content,
        metal_content=dict(metals),
        quantity=quantity,
        unit=unit,
        transshipped=flags["transshipped"],
        declared=declared,
    )
    event("accepted" if line is not None else "left to prepare")
    if line is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        duty._check_options(metals, quantity, unit)
        prepared = duty.prepare_one(
            hts,
            origin,
            date,
            value,
            importer=importer,
            usmca=flags["usmca"],
            us_content=us_content,
            metal_content=metals,
            quantity=quantity,
            unit=unit,
            transshipped=flags["transshipped"],
            registry=load_registry(),
            declared=declared,
        )
    assert len(prepared) == 1
    want = duty.line_of(prepared)
    index = int(prepared.codes[0])
    row = single.find_row(SNAP, str(prepared.columns["hts"][0]))
    assert row is not None
    assert row == line.row
    assert row.mfn_ad_valorem == float(hts_universe().columns["mfn_ad_valorem"][index])
    for name in single.Line._fields:
        if name in ("row", "regime"):
            continue
        a, b = getattr(line, name), getattr(want, name)
        assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), name


def test_snapshot_key_covers_every_packaged_source() -> None:
    """The snapshot is rebuilt when any file it is built from changes: all are in its key."""
    from tradewinds.measures import products, registry

    wanted = {*registry._packaged_files(), registry._precedence_path()}
    wanted |= {products._path("hts.csv.gz"), products._path("product_lists.csv")}
    assert wanted <= set(single._sources())
