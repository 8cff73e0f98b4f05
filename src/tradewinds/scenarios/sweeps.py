"""Sweeps: one scenario solved across a grid of field values, on Dask, recorded as one parent run.

Each grid point is a scenario of its own (validated before anything is solved) and becomes a
child run of kind ``point`` with its own hash and results. A point that fails to converge is
recorded as ``failed`` with its settings and error. The whole sweep is served from the store
when the same scenario, grid and baseline were swept before by the same package version.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core.canonical import to_json
from tradewinds.core.errors import ScenarioError
from tradewinds.scenarios.batch import BatchResult
from tradewinds.scenarios.cluster import Progress, run_draws
from tradewinds.scenarios.distributions import Draw
from tradewinds.scenarios.execute import describe, resolve_baseline
from tradewinds.scenarios.grid import Axis, grid_scenarios
from tradewinds.scenarios.recording import (
    KEY_COLUMNS,
    RECORD_COLUMNS,
    ResultsSink,
    RunRecord,
    cache_key,
    child_id,
    plain_params,
    yaml_text,
)
from tradewinds.scenarios.schema import Scenario


@dataclass(frozen=True)
class SweepResult:
    """A sweep: the parent record, one child record per grid point, and their results.

    ``results`` holds every point's tidy records with a ``run_id`` column.
    """

    record: RunRecord
    points: list[RunRecord]
    results: pd.DataFrame
    cached: bool = False

    @property
    def failed(self) -> list[RunRecord]:
        """Grid points that did not solve."""
        return [p for p in self.points if p.status != "ok"]

    def summary(self, countries: Sequence[str], metric: str = "welfare_pct") -> pd.DataFrame:
        """One row per grid point: its settings, status and ``metric`` for ``countries``."""
        rows = self.results[
            (self.results["metric"] == metric)
            & (self.results["partner"] == "")
            & (self.results["sector"] == "TOTAL")
            & (self.results["country"].isin(list(countries)))
        ]
        values = {
            (str(r), str(c)): float(v)
            for r, c, v in zip(rows["run_id"], rows["country"], rows["value"], strict=True)
        }
        out = []
        for p in self.points:
            row: dict[str, Any] = {"run_id": p.run_id, **p.settings, "status": p.status}
            for c in countries:
                row[c] = values.get((p.run_id, c), np.nan)
            out.append(row)
        return pd.DataFrame(out)


class _PointText:
    """Canonical JSON and YAML of many grid points, each top-level entry's YAML written once.

    A scenario's YAML is a block mapping whose entries are written one after another, so its
    text is the concatenation of each top-level entry's own YAML. Grid points share all but
    the entries their settings change, and writing YAML costs more than a small model's solve
    (``tests/unit/test_draw_records.py`` checks the text equals ``scenario_yaml``'s).

    A setting whose value is a number, a boolean or null is written as a placeholder and put
    in afterwards: such a value is one plain scalar token wherever it stands (libyaml neither
    quotes nor folds it), so every point of a grid over ``model.eps`` shares one template of
    its ``model`` entry. Where the placeholder is not found exactly once in the text (a user
    string containing it, say) the entry is written in full; a placeholder is only ever put
    into the entry it was made for.

    The JSON (:func:`~tradewinds.core.canonical.to_json` of the canonical data, the text a
    point's hash is taken of) is put together from each entry's own: with sorted keys and no
    spaces, an object's JSON is its ``"key":value`` pairs in key order, joined by commas. An
    entry's JSON also keys the cache of YAML texts, since it tells 1 from 1.0 and from true, as
    YAML does.
    """

    def __init__(self, shared: Mapping[str, Any] | None = None) -> None:
        import yaml

        # entries every point shares (the same objects, see _canonical_sharing): JSON once
        self._shared = dict(shared or {})
        self._shared_json = {name: to_json(value) for name, value in self._shared.items()}
        self._entries: dict[tuple[str, str], str] = {}
        # the representer the dumper of yaml_text uses: it gives each scalar its token
        self._representer = yaml.representer.SafeRepresenter()

    def __call__(
        self, canonical: dict[str, Any], settings: Mapping[str, Any] | None = None
    ) -> tuple[str, str]:
        """JSON and YAML of ``canonical`` (a ``Scenario.canonical()``) set by ``settings``."""
        data, tokens = _templated(canonical, settings or {})
        shared, known = self._shared, self._shared_json
        entries = {
            name: known[name] if name in shared and value is shared[name] else to_json(value)
            for name, value in canonical.items()
        }
        text_json = ",".join(f"{self._key(name)}:{entries[name]}" for name in sorted(entries))
        parts = []
        for name, value in data.items():
            placed = [(p, v) for p, (entry, v) in tokens.items() if entry == name]
            key = (name, to_json(value) if placed else entries[name])
            text = self._entries.get(key)
            if text is None:
                text = self._entries[key] = yaml_text({name: value})
            if any(text.count(p) != 1 for p, _ in placed):
                text = yaml_text({name: canonical[name]})
            else:
                for placeholder, leaf in placed:
                    text = text.replace(placeholder, self._token(leaf))
            parts.append(text)
        return "{" + text_json + "}", "".join(parts)

    @staticmethod
    @functools.cache
    def _key(name: str) -> str:
        return json.dumps(name)

    def _token(self, value: object) -> str:
        return str(self._representer.represent_data(value).value)


#: Stands for the value of grid setting k in a template (see ``_PointText``).
_PLACEHOLDER = "tradewinds-grid-value-{}-of-this-point"


def _templated(
    canonical: dict[str, Any], settings: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, tuple[str, object]]]:
    """``canonical`` with the scalar leaves at ``settings``' paths replaced by placeholders.

    The containers along each path are copied, not changed. Returns the data and, for each
    placeholder, its top-level entry and value; a path that does not lead to a number, boolean
    or null is left as it is.
    """
    data = canonical
    tokens: dict[str, tuple[str, object]] = {}
    for k, path in enumerate(settings):
        parts = path.split(".")
        data = dict(data)
        node: Any = data
        try:
            for depth, part in enumerate(parts):
                index: str | int = int(part) if isinstance(node, list) else part
                child = node[index]
                if depth == len(parts) - 1:
                    if child is None or isinstance(child, bool | int | float):
                        placeholder = _PLACEHOLDER.format(k)
                        node[index] = placeholder
                        tokens[placeholder] = (parts[0], child)
                elif isinstance(child, dict | list):
                    node[index] = child = child.copy()
                    node = child
                else:
                    break
        except (KeyError, IndexError, ValueError, TypeError):
            continue
    return data, tokens


def _canonical_sharing(base: Scenario, base_data: dict[str, Any], spec: Scenario) -> dict[str, Any]:
    """``spec.canonical()``, reusing ``base_data`` (``base.canonical()``) where it can.

    A grid point whose settings change only the model is ``base`` with a new model: its other
    fields are the very objects of ``base``, whose dumps are already in ``base_data``. Only the
    fields that are not the same objects are dumped again (serialising a field depends on its
    value alone); the entries of the others are ``base_data``'s own objects, not copies.
    """
    changed = {name for name in base_data if getattr(spec, name) is not getattr(base, name)}
    if not changed:
        return dict(base_data)
    fresh = spec.model_dump(mode="json", include=changed)
    if fresh.keys() != changed:  # a field that leaves the dump: no shortcut
        return spec.canonical()
    return {name: fresh[name] if name in changed else value for name, value in base_data.items()}


def long_results(batch: BatchResult, ids: dict[int, str]) -> pd.DataFrame:
    """All successful draws' records in one frame with a ``run_id`` column.

    Built without per-row Python objects: label columns are categoricals whose codes are tiled
    across draws, which keeps 1,000 draws of 194 countries (2 million rows) cheap to build and
    to hand to the store.
    """
    frames = []
    for k, keys in enumerate(batch.layouts):
        members = [d for d in batch.draws if d.layout == k and d.values is not None]
        if not members:
            continue
        values = np.stack([d.values for d in members if d.values is not None])
        n, m = values.shape
        columns: dict[str, Any] = {
            "run_id": pd.Categorical.from_codes(
                np.repeat(np.arange(n), m), categories=pd.Index([ids[d.index] for d in members])
            )
        }
        for col in KEY_COLUMNS:
            codes, labels = pd.factorize(keys[col].to_numpy())
            columns[col] = pd.Categorical.from_codes(np.tile(codes, n), categories=pd.Index(labels))
        columns["value"] = values.ravel()
        frames.append(pd.DataFrame(columns).loc[:, ["run_id", *RECORD_COLUMNS]])
    if not frames:
        return pd.DataFrame(columns=["run_id", *RECORD_COLUMNS])
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def run_sweep(
    scenario: Scenario,
    axes: Sequence[Axis],
    *,
    text: str | None = None,
    baseline: xr.Dataset | str | None = None,
    sink: ResultsSink | None = None,
    force: bool = False,
    client: Any = None,
    bilateral: bool = True,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Solve ``scenario`` at every point of the grid ``axes`` (see :mod:`~.grid`).

    ``client`` is a ``distributed.Client`` (see :func:`~.cluster.dask_client`) or ``None`` to
    solve in this process.
    """
    if not axes:
        raise ScenarioError("A sweep needs at least one --set PATH=VALUES.")
    from tradewinds.scenarios.cluster import check_chunk_size

    check_chunk_size(chunk_size)
    for path, _ in axes:
        if path == "baseline" or path.startswith("baseline."):
            raise ScenarioError(
                "A sweep cannot vary the baseline (it is loaded once and sent to every worker); "
                "run the scenario with --baseline for each baseline instead."
            )
    t0 = time.perf_counter()
    points = grid_scenarios(scenario, axes)
    ds, name = resolve_baseline(scenario, baseline)
    parent = describe(scenario, text=text, baseline=ds, baseline_name=name, kind="sweep")
    grid = dict(axes)
    settings = {"grid": grid, "points": len(points), "bilateral": bilateral}
    key = cache_key(
        "sweep", parent.scenario_hash, parent.baseline_hash, grid=grid, bilateral=bilateral
    )
    parent = replace(parent, cache_key=key, settings=settings)
    if sink is not None and not force:
        hit = sink.find_cached(key)
        if hit is not None:
            return SweepResult(
                record=sink.get_run(hit),
                points=sink.children(hit),
                results=sink.child_results(hit),
                cached=True,
            )
    draws = [Draw(index=k, settings=point) for k, (point, _) in enumerate(points)]
    t1 = time.perf_counter()
    batch = run_draws(
        client,
        ds,
        scenario,
        draws,
        bilateral=bilateral,
        chunk_size=chunk_size,
        progress=progress,
        validated={k: spec for k, (_, spec) in enumerate(points)},
    )
    t2 = time.perf_counter()
    children = []
    base_data = scenario.canonical()
    point_text = _PointText(base_data)
    for outcome, (point, spec) in zip(batch.draws, points, strict=True):
        # once per point: its JSON, hash, YAML and parameters
        canonical = _canonical_sharing(scenario, base_data, spec)
        text, yaml = point_text(canonical, point)
        children.append(
            RunRecord(
                run_id=child_id(parent.run_id, "p", outcome.index),
                parent_id=parent.run_id,
                kind="point",
                title=spec.title,
                scenario_hash=spec.digest(text),
                scenario_yaml=yaml,
                scenario_json=text,
                baseline=name,
                baseline_hash=parent.baseline_hash,
                baseline_attrs=parent.baseline_attrs,
                model=spec.model.name,
                params=dict(canonical["model"]),  # a fresh dump: plain data already
                settings=plain_params(point),
                solver=outcome.solver,
                status=outcome.status,
                error=outcome.error,
                timings={"solve": outcome.seconds, "cpu": outcome.cpu_seconds},
            )
        )
    ids = {d.index: c.run_id for d, c in zip(batch.draws, children, strict=True)}
    results = long_results(batch, ids)
    parent.timings.update({"prepare": t1 - t0, "solve": t2 - t1, "total": time.perf_counter() - t0})
    if sink is not None:
        sink.record(parent, None, children=children, child_results=results)
    return SweepResult(record=parent, points=children, results=results, cached=False)
