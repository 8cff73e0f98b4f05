r"""Structural gravity: PPML with high-dimensional fixed effects, through pyfixest.

The estimating equation is the structural gravity model of Yotov, Piermartini, Monteiro & Larch
(2016, *An Advanced Guide to Trade Policy Analysis*, ch. 1, eq. 1-28 and 1-36)::

    X_ij,t = exp(pi_i,t + chi_j,t + mu_ij + b' z_ij,t) * e_ij,t

with exporter-year effects ``pi`` (outward multilateral resistance and output), importer-year
effects ``chi`` (inward resistance and spending), pair effects ``mu`` (all time-invariant bilateral
costs) and time-varying policy variables ``z`` (RTA dummies, border-by-year dummies). It is
estimated by Poisson pseudo-maximum likelihood (Santos Silva & Tenreyro 2006) with pyfixest's
``fepois``; this module writes no solver of its own. Standard errors are clustered by pair.

Small-sample corrections follow the book's Stata commands, so standard errors compare: for PPML
(``ppml``/``ppmlhdfe``, maximum likelihood) only the cluster factor ``G/(G-1)``; for OLS
(``regress`` with the fixed effects as dummies) also ``(N-1)/(N-K)`` with K counting every
fixed effect.

A coefficient ``b`` on a dummy multiplies trade by ``exp(b)``. In a model with trade elasticity
``eps`` (trade falls by ``eps`` percent per percent of iceberg cost) the same change in trade
comes from an iceberg cost factor ``d_hat = exp(-b / eps)``; :func:`cost_factor` applies it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradewinds.core.errors import DataError, ScenarioError
from tradewinds.core.inputs import parse_yaml, read_yaml, validate_mapping
from tradewinds.integration.gravity_data import FIXED_EFFECTS, add_variables, load_gravity_data

log = logging.getLogger(__name__)

Estimator = Literal["ppml", "ols"]

#: Documentation page listing the keys of a specification.
SPEC_DOC = "docs/gravity.md"


class GravitySpec(BaseModel):
    """A gravity specification: what is regressed on what, with which effects, on which years.

    Unknown keys are rejected, so a misspelt key fails instead of being ignored.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    outcome: str = "trade"
    regressors: list[str] = Field(min_length=1)
    fixed_effects: list[str] = Field(
        default_factory=lambda: ["exporter_year", "importer_year", "pair"]
    )
    years: list[int] | None = None
    cluster: str | None = "pair"
    estimator: Estimator = "ppml"
    international_only: bool = False
    exclude_zero_pairs: bool = False

    @field_validator("fixed_effects")
    @classmethod
    def _known_effects(cls, value: list[str]) -> list[str]:
        for fe in value:
            if fe not in FIXED_EFFECTS:
                raise ValueError(f"unknown fixed effect {fe!r}; choose from {list(FIXED_EFFECTS)}")
        return value

    @field_validator("cluster")
    @classmethod
    def _known_cluster(cls, value: str | None) -> str | None:
        if value is not None and value not in FIXED_EFFECTS:
            raise ValueError(f"unknown cluster {value!r}; choose from {list(FIXED_EFFECTS)}")
        return value

    def formula(self) -> str:
        """The pyfixest formula."""
        lhs = "ln_trade" if self.estimator == "ols" else self.outcome
        rhs = " + ".join(self.regressors)
        fe = " + ".join(self.fixed_effects)
        return f"{lhs} ~ {rhs}" + (f" | {fe}" if fe else "")


def parse_spec(data: Any, source: str) -> GravitySpec:
    """Validate a parsed specification; a :class:`ScenarioError` names the key at fault."""
    return validate_mapping(GravitySpec, data, source, "a gravity specification", SPEC_DOC)


def load_spec(path: str | Path) -> GravitySpec:
    """Read a specification YAML file."""
    return parse_spec(read_yaml(Path(path), "gravity specification"), str(path))


def spec_from_text(text: str, source: str = "spec") -> GravitySpec:
    """Parse a specification from YAML text (the API's request body)."""
    return parse_spec(parse_yaml(text, source), source)


@dataclass(frozen=True)
class GravityResult:
    """An estimated gravity model: coefficients, sample size, and what produced them."""

    run_id: str
    data: str
    spec: GravitySpec
    coefficients: pd.DataFrame  # variable, estimate, std_error, t_value, p_value
    n_obs: int
    created: str = ""
    fitted: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    vcov: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def coefficient(self, variable: str) -> float:
        """The estimate of one regressor."""
        rows = self.coefficients.loc[self.coefficients["variable"] == variable, "estimate"]
        if rows.empty:
            known = ", ".join(self.coefficients["variable"])
            raise ScenarioError(
                f"Gravity run {self.run_id} has no coefficient {variable!r}; it has {known}."
            )
        return float(rows.iloc[0])

    def to_records(self) -> pd.DataFrame:
        """Tidy records: one row per coefficient, with the run id, data and sample size."""
        out = self.coefficients.copy()
        out.insert(0, "run_id", self.run_id)
        out.insert(1, "data", self.data)
        out["n_obs"] = self.n_obs
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record of the run (what :func:`save_run` writes)."""
        return {
            "run_id": self.run_id,
            "data": self.data,
            "spec": self.spec.model_dump(),
            "n_obs": self.n_obs,
            "created": self.created,
            "coefficients": self.coefficients.to_dict(orient="records"),
        }


def run_id_for(data: str, spec: GravitySpec) -> str:
    """Deterministic id: the same data and specification give the same id."""
    text = json.dumps({"data": data, "spec": spec.model_dump()}, sort_keys=True)
    return "gravity-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def prepare_sample(frame: pd.DataFrame, spec: GravitySpec) -> pd.DataFrame:
    """The estimation sample: years, international-only filter and the variables needed."""
    if spec.outcome not in frame.columns:
        raise DataError(f"The data has no outcome column {spec.outcome!r}.")
    sample = frame
    if spec.years is not None:
        sample = sample[sample["year"].astype(int).isin(spec.years)]
        if sample.empty:
            have = sorted(frame["year"].astype(int).unique())
            raise DataError(f"No observations in years {spec.years}; the data has {have}.")
    names = list(spec.regressors) + list(spec.fixed_effects)
    if spec.cluster:
        names.append(spec.cluster)
    if spec.estimator == "ols":
        names.append("ln_trade")
    sample = add_variables(sample, names, spec.outcome)
    if spec.international_only:
        sample = sample[sample["exporter"] != sample["importer"]]
    if spec.exclude_zero_pairs and "pair" in sample.columns:
        total = sample.groupby("pair")[spec.outcome].transform("sum")
        sample = sample[total > 0]
    if spec.estimator == "ols":
        sample = sample[sample["ln_trade"].notna()]
    return sample.reset_index(drop=True)


def check_sample_size(sample: pd.DataFrame, spec: GravitySpec, name: str) -> None:
    """Refuse a sample with no more observations than parameters, before pyfixest sees it.

    The parameters are at least the regressors plus the fixed-effect levels (less one per
    extra set of effects, the normalisations). Too small a sample does not fail politely in
    pyfixest: its compiled demeaning aborts the whole process.
    """
    levels = sum(int(sample[fe].nunique()) for fe in spec.fixed_effects if fe in sample)
    params = len(spec.regressors) + max(0, levels - max(0, len(spec.fixed_effects) - 1))
    if len(sample) <= params:
        raise DataError(
            f"Gravity data {name!r}: the estimation sample has {len(sample):,} observation(s) "
            f"for at least {params:,} parameters ({len(spec.regressors)} regressor(s) and "
            f"{levels:,} fixed-effect levels); give more data (more pairs or years) or fewer "
            "fixed effects."
        )


def estimate(
    data: str | Path | pd.DataFrame, spec: GravitySpec, *, label: str = ""
) -> GravityResult:
    """Estimate ``spec`` on a dataset name, a CSV path or a frame; see the module docstring."""
    import pyfixest as pf

    if isinstance(data, pd.DataFrame):
        frame, name = data, label or "frame"
    else:
        frame, name = load_gravity_data(data), label or str(data)
    sample = prepare_sample(frame, spec)
    check_sample_size(sample, spec, name)
    vcov: Any = {"CRV1": spec.cluster} if spec.cluster else "hetero"
    with warnings.catch_warnings():
        # pyfixest reports pairs dropped for separation (all-zero flows) as a UserWarning;
        # they carry no information under pair effects and the count is in n_obs.
        warnings.simplefilter("ignore")
        try:
            if spec.estimator == "ppml":
                fit = pf.fepois(
                    spec.formula(),
                    data=sample,
                    vcov=vcov,
                    ssc=pf.ssc(adj=False, cluster_adj=True),
                )
            else:
                fit = pf.feols(
                    spec.formula(),
                    data=sample,
                    vcov=vcov,
                    ssc=pf.ssc(adj=True, fixef_k="full", cluster_adj=True),
                )
        except (ValueError, KeyError, RuntimeError) as exc:
            raise DataError(f"Gravity estimation of {spec.formula()!r} failed: {exc}") from None
    tidy = fit.tidy().reset_index()
    coefficients = pd.DataFrame(
        {
            "variable": tidy["Coefficient"].astype(str),
            "estimate": tidy["Estimate"].astype(float),
            "std_error": tidy["Std. Error"].astype(float),
            "t_value": tidy["t value"].astype(float),
            "p_value": tidy["Pr(>|t|)"].astype(float),
        }
    )
    n_obs = int(fit._N)
    fitted = None
    if spec.estimator == "ppml":
        kept = sample.loc[_kept_index(fit, sample)]
        fitted = kept[["exporter", "importer", "year", spec.outcome]].copy()
        fitted["predicted"] = pd.Series(fit.predict(type="response"), index=kept.index).astype(
            float
        )
    names = list(coefficients["variable"])
    vcov_frame = pd.DataFrame(fit._vcov, index=names, columns=names)
    return GravityResult(
        run_id=run_id_for(name, spec),
        data=name,
        spec=spec,
        coefficients=coefficients,
        n_obs=n_obs,
        created=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        fitted=fitted,
        vcov=vcov_frame,
    )


def _kept_index(fit: Any, sample: pd.DataFrame) -> pd.Index:
    """Index labels of the sample rows that the fit kept (separated rows drop out)."""
    data = getattr(fit, "_data", None)
    return sample.index if data is None else pd.Index(data.index)


def cost_factor(beta: float, eps: float) -> float:
    """Iceberg cost factor ``d_hat = exp(-beta / eps)`` equivalent to trade changing by e^beta."""
    if not math.isfinite(beta):
        raise ScenarioError(f"Gravity coefficient {beta!r} is not a finite number.")
    if not math.isfinite(eps) or eps <= 0:
        raise ScenarioError(f"Trade elasticity {eps!r} must be a positive number.")
    return math.exp(-beta / eps)


# --- recorded runs --------------------------------------------------------------------------


def runs_dir(path: str | Path | None = None) -> Path:
    """Folder of recorded gravity runs.

    ``path``, else ``$TRADEWINDS_GRAVITY_RUNS``, else ``gravity`` beside the results store
    (``$TRADEWINDS_STORE`` or the user data directory).
    """
    if path:
        return Path(path).expanduser()
    if os.environ.get("TRADEWINDS_GRAVITY_RUNS"):
        return Path(os.environ["TRADEWINDS_GRAVITY_RUNS"]).expanduser()
    store = os.environ.get("TRADEWINDS_STORE")
    if store:
        p = Path(store).expanduser()
        return (p.parent if p.suffix == ".duckdb" else p) / "gravity"
    from platformdirs import user_data_path

    return Path(user_data_path("tradewinds", appauthor=False)) / "gravity"


def save_run(result: GravityResult, folder: str | Path | None = None) -> Path:
    """Write the run as ``<runs_dir>/<run_id>.json``; returns the path."""
    target = runs_dir(folder)
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{result.run_id}.json"
    path.write_text(json.dumps(result.to_json(), indent=2), encoding="utf-8")
    return path


def run_path(run_id: str, folder: str | Path | None = None) -> Path:
    """The JSON file of a recorded run: ``run_id`` itself if it is a ``.json`` path."""
    candidate = Path(run_id).expanduser()
    return candidate if candidate.suffix == ".json" else runs_dir(folder) / f"{run_id}.json"


def load_run(run_id: str, folder: str | Path | None = None) -> GravityResult:
    """A recorded run by id, or by the path of its JSON file."""
    path = run_path(run_id, folder)
    if not path.is_file():
        raise DataError(
            f"No recorded gravity run {run_id!r} in {str(runs_dir(folder))!r}. Run "
            "'tradewinds gravity estimate' first; it prints the run id."
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return GravityResult(
            run_id=str(raw["run_id"]),
            data=str(raw["data"]),
            spec=GravitySpec.model_validate(raw["spec"]),
            coefficients=pd.DataFrame(raw["coefficients"]),
            n_obs=int(raw["n_obs"]),
            created=str(raw.get("created", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"Gravity run file {str(path)!r} is malformed: {exc}") from None
