"""The model registry: every general-equilibrium model by its name, in one place.

The scenario schema, the runner, the strategy glue, the dashboard's explorer and the API's
workers take the list of models from :data:`MODELS`. Each entry is a :class:`Model`: its name,
a title for people, its parameter record (the frozen dataclass holding elasticities, closure and
tolerance), and how to solve it, cold or from a nearby equilibrium (a warm start), and, where it
has one, the adjoint gradient of welfare with respect to tariffs.

A scenario's model block (``scenarios.schema``) carries the parameters by the same field names
as the parameter record; :meth:`Model.parameters` reads those it knows. Implementations load on
first use, so listing the models imports no numerical code.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    import xarray as xr

    from tradewinds.models._newton import Array
    from tradewinds.models.equilibrium import Equilibrium
    from tradewinds.models.multisector import MultiSectorModel, PreparedBaseline


#: A counterfactual: the baseline, new tariffs and trade-cost changes.
Shock = tuple["xr.Dataset", "xr.DataArray", "xr.DataArray"]


class Model:
    """A registered model: its names, its parameter record, and how to solve it.

    Each model sets the class attributes and implements :meth:`run` (which :meth:`solve` calls)
    and, where it has an adjoint, :meth:`gradient`.
    """

    #: Name in scenarios, the store and the API (``model.name``).
    name: ClassVar[str]
    #: One line for people (the dashboard's model choice).
    title: ClassVar[str]
    #: Whether :meth:`solve` uses ``warm`` (a nearby equilibrium) to start its solver.
    warm_start: ClassVar[bool]
    #: Whether :meth:`gradient` is available.
    has_gradient: ClassVar[bool] = False
    #: ``"module:Class"`` of the parameter record (imported on first use).
    record: ClassVar[str]

    def record_type(self) -> type[Any]:
        """The parameter record's class (imported on first use)."""
        import importlib

        module, _, cls = self.record.partition(":")
        found: type[Any] = getattr(importlib.import_module(module), cls)
        return found

    def parameters(self, spec: Any, *, tol: float | None = None) -> Any:
        """The model's parameter record from a spec with the same field names."""
        record = self.record_type()
        values = {
            f.name: getattr(spec, f.name)
            for f in dataclasses.fields(record)
            if f.name != "tol" and hasattr(spec, f.name)
        }
        if tol is not None:
            values["tol"] = tol
        return record(**values)

    def run(self, spec: Any, shock: Shock, warm: Equilibrium | None, tol: float | None) -> Any:
        """The model's own solve of ``shock`` (each model implements it)."""
        raise NotImplementedError

    def solve(
        self,
        spec: Any,
        baseline: xr.Dataset,
        tariff: xr.DataArray,
        cost: xr.DataArray,
        *,
        warm: Equilibrium | None = None,
        tol: float | None = None,
    ) -> Equilibrium:
        """The counterfactual equilibrium of new tariffs and trade-cost changes."""
        result: Equilibrium = self.run(spec, (baseline, tariff, cost), warm, tol)
        return result

    def gradient(
        self,
        spec: Any,
        baseline: xr.Dataset,
        tariff: xr.DataArray,
        cost: xr.DataArray,
        weights: Mapping[str, float],
        *,
        warm: Equilibrium | None = None,
        tol: float | None = None,
    ) -> tuple[Equilibrium, xr.DataArray]:
        """The equilibrium and the gradient of weighted welfare with respect to tariffs.

        Models with ``has_gradient`` override it; the others have none.
        """
        raise ScenarioError(f"The {self.name} model has no welfare gradient.")


class OneSector(Model):
    """Eaton–Kortum/Armington with tariffs (:mod:`tradewinds.models.onesector`)."""

    name: ClassVar[str] = "one-sector"
    title: ClassVar[str] = "one-sector (Eaton–Kortum/Armington)"
    warm_start: ClassVar[bool] = True
    record = "tradewinds.models.onesector:OneSectorModel"

    def run(self, spec: Any, shock: Shock, warm: Equilibrium | None, tol: float | None) -> Any:
        """Solve ``shock`` (baseline, new tariffs, trade-cost changes); see :meth:`Model.solve`."""
        baseline, tariff, cost = shock
        start = None if warm is None else warm.country["wage_hat"].values
        model = self.parameters(spec, tol=tol)
        return model.solve(baseline, tariff, cost, wage_hat0=start)


class Ignatenko(Model):
    """Ignatenko et al. (2025), one sector with employment (:mod:`.ignatenko`)."""

    name: ClassVar[str] = "ignatenko2025"
    title: ClassVar[str] = "Ignatenko et al. (2025), with employment"
    warm_start: ClassVar[bool] = False
    record = "tradewinds.models.ignatenko.model:IgnatenkoModel"

    def run(self, spec: Any, shock: Shock, warm: Equilibrium | None, tol: float | None) -> Any:
        """Solve ``shock`` (baseline, new tariffs, trade-cost changes); see :meth:`Model.solve`."""
        baseline, tariff, cost = shock
        # The solver starts from the baseline and keeps the model's own tolerance: continuation
        # and tâtonnement need a reachable one (its residual floor is about 1e-11).
        return self.parameters(spec).solve(baseline, tariff, cost)


#: Prepared multi-sector baselines, newest last: (id(baseline), closure, theta, tol) -> prepared.
#: Each holds its baseline, so an id cannot be reused while cached. A search (one best response,
#: one optimal tariff) reuses the same baseline object, so its baseline equilibrium is solved once.
_PREPARED: OrderedDict[tuple[int, str, str, float | None], PreparedBaseline] = OrderedDict()
_PREPARED_MAX = 4


class MultiSector(Model):
    """Caliendo–Parro (2015) with input–output links (:mod:`tradewinds.models.multisector`)."""

    name: ClassVar[str] = "multi-sector"
    title: ClassVar[str] = "multi-sector Caliendo–Parro (WIOD 2011)"
    warm_start: ClassVar[bool] = True
    has_gradient: ClassVar[bool] = True
    record = "tradewinds.models.multisector:MultiSectorModel"

    def model(self, spec: Any, baseline: xr.Dataset, tol: float | None) -> MultiSectorModel:
        """The parameter record; a spec's elasticity set (``thetas``) resolves on the baseline."""
        model: MultiSectorModel = self.parameters(spec, tol=tol)
        thetas = getattr(spec, "thetas", None)
        if callable(thetas):
            sectors = [str(s) for s in baseline.indexes["sector"]]
            model = dataclasses.replace(model, theta=thetas(sectors))
        return model

    def prepared(
        self, spec: Any, baseline: xr.Dataset, warm: Equilibrium | None, tol: float | None
    ) -> tuple[PreparedBaseline, tuple[Array, Array] | None]:
        """The cached prepared baseline of ``spec``, and the start read off ``warm``."""
        model = self.model(spec, baseline, tol)
        key = (id(baseline), model.closure, repr(model.theta), tol)
        prepared = _PREPARED.get(key)
        if prepared is None or prepared.baseline is not baseline:
            prepared = model.prepare(baseline)
            _PREPARED[key] = prepared
            while len(_PREPARED) > _PREPARED_MAX:
                _PREPARED.popitem(last=False)
        else:
            _PREPARED.move_to_end(key)
        return prepared, None if warm is None else prepared.start_from(warm)

    def run(self, spec: Any, shock: Shock, warm: Equilibrium | None, tol: float | None) -> Any:
        """Solve ``shock`` (baseline, new tariffs, trade-cost changes); see :meth:`Model.solve`."""
        baseline, tariff, cost = shock
        if warm is None and tol is None:  # one run: nothing to keep for the next
            return self.model(spec, baseline, None).solve(baseline, tariff, cost)
        prepared, start = self.prepared(spec, baseline, warm, tol)
        return prepared.solve(tariff, cost, start=start)

    def gradient(
        self,
        spec: Any,
        baseline: xr.Dataset,
        tariff: xr.DataArray,
        cost: xr.DataArray,
        weights: Mapping[str, float],
        *,
        warm: Equilibrium | None = None,
        tol: float | None = None,
    ) -> tuple[Equilibrium, xr.DataArray]:
        """See :meth:`Model.gradient` (the adjoint gradient of real income)."""
        prepared, start = self.prepared(spec, baseline, warm, tol)
        return prepared.real_income_gradient(tariff, cost, weights=weights, start=start)


#: Every model, by name, in the order front ends list them.
MODELS: dict[str, Model] = {m.name: m for m in (OneSector(), Ignatenko(), MultiSector())}
#: The names, for schemas and messages.
MODEL_NAMES: tuple[str, ...] = tuple(MODELS)
#: The ``Equilibrium.country`` ratio that measures welfare exactly, where it is not
#: ``welfare_hat`` (the multi-sector model's ``welfare_hat`` is CP2015's first-order
#: decomposition; its exact real income is ``real_income_hat``).
WELFARE_METRIC: dict[str, str] = {MultiSector.name: "real_income_hat"}


def get_model(name: str) -> Model:
    """The registered model ``name``; :class:`ScenarioError` naming the choices otherwise."""
    try:
        return MODELS[name]
    except KeyError:
        raise ScenarioError(
            f"Model {name!r} is not available; choose one of {', '.join(MODEL_NAMES)}."
        ) from None
