"""A scenario's shocks as numpy assignments on (exporter, importer, sector) arrays.

``shocks.tariffs`` and ``shocks.trade_costs`` name blocks of cells by country sets and sector
lists; ``shocks.tariffs_as_of`` sets the US tariffs to the registry's. :func:`shock_arrays`
applies them in that order: :func:`~tradewinds.scenarios.runner.build_shocks` calls it on the
values of a labelled baseline, and :func:`~tradewinds.scenarios.execute.execute` on the cached
arrays of a bundled baseline (:mod:`tradewinds.data.arrays`), so both give the same cells. No
xarray or pandas.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.scenarios.schema import AllExcept, CountrySet, Scenario


def resolve_countries(
    value: CountrySet, known: list[str], groups: dict[str, list[str]], where: str
) -> list[str]:
    """Expand ``all``, groups, lists and ``all_except`` into baseline country codes."""
    if isinstance(value, AllExcept):
        drop = set(resolve_countries(value.all_except, known, groups, where))
        return [c for c in known if c not in drop]
    names = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for name in names:
        if name == "all":
            out.extend(known)
        elif name in groups:
            if name in known:
                raise ScenarioError(
                    f"{where}: group {name!r} has the name of a country of the baseline, so it "
                    "would stand for that country; give the group a name of its own."
                )
            out.extend(resolve_countries(groups[name], known, groups, f"{where} (group {name})"))
        elif name in known:
            out.append(name)
        else:
            from tradewinds.core.countries import country_hint
            from tradewinds.data.regions import region_members

            hint = country_hint(name, known, region_members())
            raise UnknownLabelError("country", name, [*known, *groups], where, hint)
    return list(dict.fromkeys(out))


def sector_list(value: Any, known: list[str], where: str) -> list[str]:
    """``all`` or a list of sectors, checked against the baseline's."""
    if value == "all":
        return known
    for s in value:
        if s not in known:
            raise UnknownLabelError("sector", s, known, where)
    return list(value)


def positions(labels: list[str]) -> dict[str, int]:
    """Position of each label."""
    return {label: k for k, label in enumerate(labels)}


class Cells:
    """Positions of the country sets and sector lists a scenario names, on one baseline.

    ``exporters`` and ``importers`` are the label orders of the arrays' first two axes (the
    baseline's countries, possibly in another order), ``sectors`` that of the third.
    """

    def __init__(
        self, scenario: Scenario, known: list[str], axes: tuple[list[str], list[str], list[str]]
    ) -> None:
        self.scenario = scenario
        self.known = known
        self.exporters = positions(axes[0])
        self.importers = positions(axes[1])
        self.sector_labels = axes[2]
        self.sectors = positions(axes[2])
        self._resolved: dict[str, list[str]] = {}
        self._e_labels = np.array(axes[0], dtype=object)
        self._i_labels = np.array(axes[1], dtype=object)

    def countries(self, value: Any, where: str) -> list[str]:
        """The countries ``value`` names (resolved once per distinct value)."""
        key = repr(value)
        if key not in self._resolved:
            found = resolve_countries(value, self.known, self.scenario.groups, where)
            if not found:
                raise ScenarioError(f"{where}: {_shown(value)} names no country of the baseline.")
            self._resolved[key] = found
        return self._resolved[key]

    def index(self, value: Any, pos: dict[str, int], where: str) -> np.ndarray:
        """Positions in ``pos`` of the countries ``value`` names."""
        return np.fromiter((pos[c] for c in self.countries(value, where)), dtype=np.intp)

    def sector_index(self, value: Any, where: str) -> np.ndarray:
        """Positions of the sectors ``value`` names."""
        names = sector_list(value, self.sector_labels, where)
        if not names:
            raise ScenarioError(f"{where}: 'sectors' lists no sector; give sectors or 'all'.")
        return np.fromiter((self.sectors[s] for s in names), dtype=np.intp)

    def off_diagonal(self, exp: np.ndarray, imp: np.ndarray) -> np.ndarray:
        """Which (exporter, importer) cells of the block are between different countries."""
        differ = np.not_equal.outer(self._e_labels[exp], self._i_labels[imp])
        return np.asarray(differ, dtype=bool)[:, :, None]


def _shown(value: Any) -> str:
    """A country set as the scenario wrote it."""
    if isinstance(value, AllExcept):
        return f"all_except {value.all_except!r}"
    return repr(value)


def _crosses(cells: Cells, exp: np.ndarray, imp: np.ndarray, shock: Any, where: str) -> np.ndarray:
    """Which cells of the block join different countries; an error if none does."""
    differ = cells.off_diagonal(exp, imp)
    if not differ.any():
        raise ScenarioError(
            f"{where}: exporter {_shown(shock.exporter)} and importer {_shown(shock.importer)} "
            "are the same single country, and a country's trade with itself is never shocked; "
            "the entry would change nothing. Name different countries."
        )
    return differ


def apply_tariffs(cells: Cells, values: np.ndarray) -> None:
    """Apply ``shocks.tariffs`` in order to ``values`` (tariff rates, changed in place)."""
    for k, shock in enumerate(cells.scenario.shocks.tariffs):
        where = f"shocks.tariffs.{k}"
        exp = cells.index(shock.exporter, cells.exporters, where)
        imp = cells.index(shock.importer, cells.importers, where)
        block = np.ix_(exp, imp, cells.sector_index(shock.sectors, where))
        current = values[block]
        new = shock.rate if shock.rate is not None else current + (shock.add or 0.0)
        values[block] = np.where(_crosses(cells, exp, imp, shock, where), new, current)
        if shock.add is not None and shock.add < 0 and (values[block] < 0).any():
            raise ScenarioError(f"{where}: the change makes a tariff negative.")


def apply_trade_costs(
    cells: Cells,
    cost_values: np.ndarray,
    gravity: Callable[[Any, np.ndarray, str], None] | None = None,
) -> None:
    """Multiply ``cost_values`` by ``shocks.trade_costs`` in order (in place).

    ``gravity(entry.from_gravity, sector positions, where)`` applies an entry that reads a
    recorded gravity run; without it such an entry is an error of the caller.
    """
    for k, tc in enumerate(cells.scenario.shocks.trade_costs):
        where = f"shocks.trade_costs.{k}"
        secs = cells.sector_index(tc.sectors, where)
        if tc.from_gravity is not None:
            if gravity is None:
                raise ValueError(f"{where} reads a gravity run; use build_shocks")
            gravity(tc.from_gravity, secs, where)
            continue
        if tc.between is not None:
            if len(cells.countries(tc.between, where)) < 2:
                raise ScenarioError(
                    f"{where}: between {tc.between!r} names fewer than two countries, so it "
                    "joins no pair and would change nothing; list at least two countries."
                )
            exp = cells.index(tc.between, cells.exporters, where)
            imp = cells.index(tc.between, cells.importers, where)
            differ = cells.off_diagonal(exp, imp)
        else:
            assert tc.exporter is not None
            assert tc.importer is not None
            exp = cells.index(tc.exporter, cells.exporters, where)
            imp = cells.index(tc.importer, cells.importers, where)
            differ = _crosses(cells, exp, imp, tc, where)
        assert tc.change is not None
        block = np.ix_(exp, imp, secs)
        cost_values[block] *= np.where(differ, 1 + tc.change, 1.0)


def shock_arrays(
    scenario: Scenario,
    known: list[str],
    axes: tuple[list[str], list[str], list[str]],
    tariff: np.ndarray,
    gravity: Callable[[Cells, np.ndarray, Any, np.ndarray, str], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """New tariffs and trade-cost changes on arrays with labels ``axes``.

    ``tariff`` (the baseline's rates, not changed) gets the registry's rates as of
    ``shocks.tariffs_as_of``, then ``shocks.tariffs`` in order; the trade-cost changes start
    at one and get ``shocks.trade_costs`` in order. ``gravity(cells, costs, entry, sector
    positions, where)`` applies an entry that reads a recorded gravity run. Retaliation, which
    reads the labelled baseline, is the caller's.
    """
    from tradewinds.scenarios.registry_shocks import apply_registry_rates

    values = np.array(tariff, dtype=float)
    apply_registry_rates(scenario, axes, values)
    cells = Cells(scenario, known, axes)
    apply_tariffs(cells, values)
    cost = np.ones(values.shape)
    hook = None
    if gravity is not None:
        hook = functools.partial(gravity, cells, cost)
    apply_trade_costs(cells, cost, hook)
    return values, cost
