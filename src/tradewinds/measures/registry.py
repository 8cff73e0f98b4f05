"""Load the measure registry from YAML, check it for conflicts, answer "what is in force".

The packaged files live in ``measures/data/registry`` (one file per programme) with the precedence
table and the coverage date in ``measures/data/precedence.yaml``. Users add their own files with
``load_registry(extra=[...])``; a record that overlaps a loaded one in the same programme (same
imposing country, a shared target, overlapping windows and a shared product) raises
:class:`MeasureConflictError` naming both records and their files.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from tradewinds.core.errors import DataError, MeasureConflictError, UnknownLabelError
from tradewinds.core.inputs import check_input_file, read_yaml, validation_error
from tradewinds.measures.fields import START_DATE as START_DATE
from tradewinds.measures.fields import check_registry_date, check_registry_range
from tradewinds.measures.products import scope_mask
from tradewinds.measures.schema import Measure, MeasureFile, PrecedenceFile, PrecedenceRule


def _read_yaml(path: Path) -> object:
    return read_yaml(path, "measure file")


def _validation_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    return f"{loc}: {err['msg']}"


def parse_measure_file(path: Path) -> MeasureFile:
    """Validate one YAML measure file; a bad record gives one line naming file and field."""
    data = _read_yaml(path)
    try:
        return MeasureFile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, f"Measure file {str(path)!r}", "docs/measures.md") from None


def _windows_overlap(a: Measure, b: Measure) -> bool:
    a_end = a.effective_to or dt.date.max
    b_end = b.effective_to or dt.date.max
    return a.effective_from < b_end and b.effective_from < a_end


def _targets_overlap(a: Measure, b: Measure) -> bool:
    """Whether some origin is targeted by both (``*`` less its excluded targets)."""
    if "*" in a.targets and "*" in b.targets:
        return True
    if "*" in a.targets:
        return bool(set(b.targets) - set(a.exclude_targets))
    if "*" in b.targets:
        return bool(set(a.targets) - set(b.exclude_targets))
    return bool(
        (set(a.targets) - set(b.exclude_targets)) & (set(b.targets) - set(a.exclude_targets))
    )


@dataclass(frozen=True)
class Registry:
    """Measures sorted by id, the precedence rules, the coverage date and where each came from."""

    measures: tuple[Measure, ...]
    rules: tuple[PrecedenceRule, ...]
    coverage_date: dt.date
    origin: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    open_questions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "measures", tuple(sorted(self.measures, key=lambda m: m.id)))
        object.__setattr__(self, "rules", tuple(sorted(self.rules, key=lambda r: r.id)))

    def get(self, measure_id: str) -> Measure:
        """The measure called ``measure_id``."""
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise UnknownLabelError(
            "measure", measure_id, [m.id for m in self.measures], "the registry"
        )

    def check_date(self, date: dt.date) -> None:
        """Refuse dates before 2025; warn past the coverage date."""
        check_registry_date(date, self.coverage_date, self.open_questions)

    def check_range(
        self, start: dt.date, end: dt.date, names: tuple[str, str] = ("--from", "--to")
    ) -> None:
        """Refuse a reversed range, or one ending too far past the coverage date.

        See :func:`~tradewinds.measures.fields.check_registry_range`; warns past coverage.
        """
        check_registry_range(start, end, self.coverage_date, self.open_questions, names=names)

    def in_force(
        self,
        date: dt.date,
        *,
        target: str | None = None,
        imposing: str | None = None,
    ) -> tuple[Measure, ...]:
        """Measures in force on ``date``, optionally for one target and one imposing country."""
        return tuple(
            m
            for m in self.measures
            if m.in_force(date)
            and (target is None or m.targets_country(target))
            and (imposing is None or m.imposing == imposing)
        )

    def select(
        self,
        date: dt.date | None = None,
        *,
        target: str | None = None,
        imposing: str | None = None,
        authority: str | None = None,
    ) -> tuple[Measure, ...]:
        """Records in force on ``date`` (every record when ``None``), filtered.

        Filters: target and imposing country (ISO3, any case), authority or programme name. This
        is what ``tradewinds measures list`` and ``GET /api/v1/measures`` show.
        """
        target = target and _country(target, "--target")
        imposing = imposing and _country(imposing, "--imposing")
        return tuple(
            m
            for m in self.measures
            if (date is None or m.in_force(date))
            and (target is None or m.targets_country(target))
            and (imposing is None or m.imposing == imposing)
            and (authority is None or authority in {m.authority, m.programme})
        )

    def rules_on(self, date: dt.date) -> tuple[PrecedenceRule, ...]:
        """Precedence rules in force on ``date``."""
        return tuple(r for r in self.rules if r.in_force(date))

    def boundaries(self) -> list[dt.date]:
        """Every date on which a measure or rule starts or ends, sorted."""
        dates: set[dt.date] = set()
        windows = [(m.effective_from, m.effective_to) for m in self.measures]
        windows += [(r.effective_from, r.effective_to) for r in self.rules]
        for start, end in windows:
            dates.add(start)
            if end is not None:
                dates.add(end)
        return sorted(dates)

    def programmes(self) -> list[str]:
        """Stacking programmes present, sorted."""
        return sorted({m.programme for m in self.measures})


def find_conflicts(
    measures: Sequence[Measure], origin: dict[str, str], *, only: set[str] | None = None
) -> list[str]:
    """Messages for duplicate ids and overlapping records (``only``: pairs touching these ids)."""
    problems: list[str] = []
    seen: dict[str, Measure] = {}
    for m in measures:
        if m.id in seen and (only is None or m.id in only):
            problems.append(
                f"Measure id {m.id!r} is defined twice: in {origin.get(m.id, '?')} and again. "
                "Give the new record its own id."
            )
        seen[m.id] = m
    masks: dict[str, np.ndarray] = {}

    def mask(m: Measure) -> np.ndarray:
        if m.id not in masks:
            masks[m.id] = scope_mask(m.scope, where=f"measure {m.id!r}")
        return masks[m.id]

    live = [m for m in measures if m.status == "in_force"]
    by_key: dict[tuple[str, str], list[Measure]] = {}
    for m in live:
        by_key.setdefault((m.programme, m.imposing), []).append(m)
    for group in by_key.values():
        for a, b in itertools.combinations(sorted(group, key=lambda m: m.id), 2):
            if only is not None and a.id not in only and b.id not in only:
                continue
            if a.condition != b.condition or not _windows_overlap(a, b):
                continue
            if not _targets_overlap(a, b) or a.metal != b.metal:
                continue
            shared = mask(a) & mask(b)
            if shared.any():
                from tradewinds.measures.products import dotted, hts_universe

                example = dotted(str(hts_universe().codes[np.flatnonzero(shared)[0]]))
                problems.append(
                    f"Measures {a.id!r} ({origin.get(a.id, '?')}) and {b.id!r} "
                    f"({origin.get(b.id, '?')}) overlap: same programme {a.programme!r}, "
                    f"overlapping windows and products (e.g. {example}). End one before the "
                    "other starts, or narrow a scope."
                )
    return problems


def _country(code: str, option: str) -> str:
    """``code`` upper-cased, if it is an ISO3 country code; else an error naming ``option``."""
    from tradewinds.core.countries import ISO3_CODES, country_hint

    upper = code.strip().upper()
    if upper not in ISO3_CODES:
        hint = country_hint(upper, ISO3_CODES)
        raise UnknownLabelError("country code", code, sorted(ISO3_CODES), option, hint)
    return upper


def check_conflicts(measures: Sequence[Measure], origin: dict[str, str]) -> None:
    """Raise :class:`MeasureConflictError` for duplicate ids or overlapping records."""
    problems = find_conflicts(measures, origin)
    if problems:
        raise MeasureConflictError(problems[0])


def _check_rules(rules: Sequence[PrecedenceRule], programmes: Iterable[str]) -> None:
    known = set(programmes)
    for rule in rules:
        for name in (rule.winner, *rule.losers):
            if name not in known:
                raise UnknownLabelError(
                    "programme", name, sorted(known), f"precedence rule {rule.id!r}"
                )


def _packaged_files() -> list[Path]:
    base = resources.files("tradewinds.measures").joinpath("data/registry")
    return sorted(Path(str(p)) for p in base.iterdir() if str(p).endswith(".yaml"))


def _precedence_path() -> Path:
    return Path(str(resources.files("tradewinds.measures").joinpath("data/precedence.yaml")))


def build_registry(
    files: Sequence[Path], precedence: Path, measure_order: Sequence[int] | None = None
) -> Registry:
    """Build a registry from measure files and a precedence file (no caching)."""
    measures: list[Measure] = []
    origin: dict[str, str] = {}
    for path in files:
        parsed = parse_measure_file(path)
        for m in parsed.measures:
            if m.id not in origin:
                origin[m.id] = path.name
            measures.append(m)
    if measure_order is not None:
        measures = [measures[i] for i in measure_order]
    check_conflicts(measures, origin)
    try:
        prec = PrecedenceFile.model_validate(_read_yaml(precedence))
    except ValidationError as exc:
        raise DataError(
            f"Precedence file {str(precedence)!r} is invalid at {_validation_message(exc)}."
        ) from exc
    _check_rules(prec.rules, {m.programme for m in measures} | {"mfn"})
    return Registry(tuple(measures), prec.rules, prec.coverage_date, origin, prec.open_questions)


@functools.cache
def _default_registry() -> Registry:
    """The packaged registry, parsed once and kept in the user cache.

    The cache key covers the contents of every packaged YAML file and the code that reads them
    (this module, the schema and the product scopes), so editing a record or the code rebuilds it.
    """
    import pydantic

    from tradewinds.core.cache import cached

    files = _packaged_files()
    precedence = _precedence_path()
    return cached(
        "registry",
        [*files, precedence],
        lambda: build_registry(files, precedence),
        code=[
            __name__,
            "tradewinds.measures.schema",
            "tradewinds.measures.products",
            "tradewinds.core.inputs",
        ],
        extra=f"pydantic {pydantic.VERSION}",
    )


def load_registry(extra: Sequence[Path | str] = ()) -> Registry:
    """The packaged registry, plus user measure files ``extra`` (checked for conflicts)."""
    if not extra:
        return _default_registry()
    paths = [Path(p) for p in extra]
    for p in paths:
        check_input_file(p, "measure file")
    return build_registry([*_packaged_files(), *paths], _precedence_path())


def scope_masks(registry: Registry) -> dict[str, np.ndarray]:
    """Which HTS codes each measure's scope covers, by measure id; computed once per registry.

    For the packaged registry the masks are kept in the user cache as packed bits (keyed by the
    registry files, the HTS table and the product lists), so a single duty line does not rebuild
    them in every process.
    """
    owner, masks = _SCOPE_MASKS.get(id(registry), (None, {}))
    if owner is registry:
        return masks
    masks = {}
    if registry is _default_registry():
        from tradewinds.core.cache import cached
        from tradewinds.measures.products import _path, hts_universe

        size = len(hts_universe().codes)
        files = [*_packaged_files(), _precedence_path()]
        files += [_path("hts.csv.gz"), _path("product_lists.csv")]
        packed = cached(
            "scopes",
            files,
            lambda: {m.id: np.packbits(scope_mask(m.scope)) for m in registry.measures},
            code=[__name__, "tradewinds.measures.schema", "tradewinds.measures.products"],
            extra=np.__version__,
        )
        masks = {k: np.unpackbits(v, count=size).astype(bool) for k, v in packed.items()}
    _SCOPE_MASKS.clear()  # the masks of the latest registry only
    _SCOPE_MASKS[id(registry)] = (registry, masks)
    return masks


_SCOPE_MASKS: dict[int, tuple[Registry, dict[str, np.ndarray]]] = {}
