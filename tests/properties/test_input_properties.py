"""Property tests of the input layer: any input gives a valid result or a TradewindsError.

The YAML reader (``tradewinds.core.inputs.parse_yaml``), the scenario schema and the single-line
duty validator are fed arbitrary text, arbitrary YAML-like documents (with anchors, aliases and
repeated keys mixed in) and arbitrary values. Whatever comes in, the answer is either a valid
result or a :class:`~tradewinds.core.errors.TradewindsError` with a one-line message, never
another exception; and the memory a parse allocates is bounded by a multiple of the input size
(measured with ``tracemalloc``, which counts allocations rather than time, so it is not
sensitive to machine load), as is the CPU time it takes.
"""

from __future__ import annotations

import math
import time
import tracemalloc
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tradewinds.core.errors import ScenarioError, TradewindsError
from tradewinds.core.inputs import MAX_YAML_DEPTH, parse_yaml
from tradewinds.measures import duty as duty_mod
from tradewinds.scenarios.schema import Scenario, parse_scenario

pytestmark = pytest.mark.property

#: Bytes a parse may allocate per character of input (libyaml's nodes and the Python objects
#: built from them take a few hundred bytes per one-character scalar), plus a fixed allowance.
BYTES_PER_CHAR = 2_000
FIXED_BYTES = 200_000
#: CPU seconds a parse may take: generous (tracemalloc slows parsing several times over).
FIXED_SECONDS = 1.0
SECONDS_PER_CHAR = 1e-3

YAML_PIECES = st.sampled_from(
    [
        "a: 1\n", "a: 2\n", "b: [1, 2]\n", "- x\n", "- &k [1]\n", "- *k\n", "c: &v {d: 1}\n",
        "e: *v\n", "<<: *v\n", "f: 2025-02-30\n", "g: .nan\n", "h: !!binary aGk=\n", "  i: 1\n",
        "[", "]", "{", "}", ": ", ", ", "\t", '"', "'", "?", "|\n", ">\n", "---\n", "...\n",
        "\ufeff", "\x00", "!!python/object:os.system\n", "j: 1e999\n", "k: 0x1F\n",
    ]
)  # fmt: skip


def _bounded_parse(text: str) -> Any:
    """Parse, asserting the allocation and CPU bounds; return the value or the TradewindsError."""
    cpu = time.process_time()
    tracemalloc.start()
    try:
        try:
            out: Any = parse_yaml(text, "input.yaml")
        except TradewindsError as exc:
            out = exc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= FIXED_BYTES + BYTES_PER_CHAR * len(text), (peak, len(text))
    # CPU seconds (not wall-clock, so other processes on the machine do not count): a parse of
    # a few hundred characters takes about a millisecond; an expanded alias bomb would take
    # minutes.
    assert time.process_time() - cpu <= FIXED_SECONDS + SECONDS_PER_CHAR * len(text)
    assert "\n" not in str(out) or not isinstance(out, TradewindsError)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    _bounded_parse(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_PIECES, max_size=40).map("".join))
def test_yaml_like_text_parses_or_fails_cleanly(text: str) -> None:
    out = _bounded_parse(text)
    if not isinstance(out, TradewindsError):
        # Accepted documents hold no shared (aliased) containers: the reader refuses aliases.
        seen: set[int] = set()
        stack = [out]
        while stack:
            item = stack.pop()
            if isinstance(item, dict | list):
                assert id(item) not in seen
                seen.add(id(item))
                stack.extend(item.values() if isinstance(item, dict) else item)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=12))
def test_alias_bombs_are_refused_at_any_depth(levels: int) -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, levels + 1):
        refs = ", ".join([f"*l{k - 1}"] * 9)
        lines.append(f"l{k}: &l{k} [{refs}]")
    out = _bounded_parse("\n".join(lines) + "\n")
    assert isinstance(out, ScenarioError)
    assert "anchors and aliases" in str(out)


#: Printable ASCII without line breaks: PyYAML's emitter folds some other characters (NEL,
#: control characters) in ways that do not read back identically, which is not our concern.
_PRINTABLE = "".join(chr(c) for c in range(32, 127))
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False)
    | st.text(alphabet=_PRINTABLE, max_size=12)
)
_KEYS = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)
_DOCS = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=25,
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCS, st.booleans())
def test_documents_round_trip(data: Any, flow: bool) -> None:
    """What YAML writes without aliases reads back unchanged (within the depth limit)."""
    assume(_depth(data) <= MAX_YAML_DEPTH)
    text = yaml.dump(data, Dumper=_NoAliases, default_flow_style=flow, allow_unicode=True)
    assert parse_yaml(text, "doc") == data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _SCALARS, min_size=1, max_size=5), st.data())
def test_a_repeated_key_is_always_refused_with_both_lines(data: dict[str, Any], draw: Any) -> None:
    text = yaml.safe_dump(data, default_flow_style=False)
    lines = text.splitlines()
    k = draw.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    key = lines[k].split(":")[0]
    assume(key and not key.startswith((" ", "-")))
    doubled = "\n".join([*lines, lines[k]]) + "\n"
    with pytest.raises(ScenarioError, match=rf"appears twice in one mapping \(lines {k + 1} and"):
        parse_yaml(doubled, "doc")


# -- the scenario schema --------------------------------------------------------------------

_ANY = st.one_of(
    _SCALARS,
    st.sampled_from([math.nan, math.inf, -math.inf, True, False, "0.25", [], {}]),
)
_FIELDS = [
    ("shocks", "tariffs", 0, "rate"),
    ("shocks", "tariffs", 0, "add"),
    ("shocks", "tariffs", 0, "importer"),
    ("shocks", "trade_costs", 0, "change"),
    ("model", "eps"),
    ("model", "closure"),
    ("title",),
    ("shocks", "tariffs_as_of"),
]


def _numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list | tuple):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, float) else []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_FIELDS), _ANY)
def test_scenario_fields_are_valid_or_refused_by_name(path: tuple[Any, ...], value: Any) -> None:
    data: dict[str, Any] = {
        "title": "t",
        "model": {"name": "one-sector", "eps": 4.0},
        "shocks": {
            "tariffs": [{"importer": "USA", "exporter": "CAN", "rate": 0.25}],
            "trade_costs": [{"between": ["CAN", "MEX"], "change": -0.1}],
        },
    }
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    if path[-1] == "add":
        target.pop("rate")
    try:
        spec = parse_scenario(data, "s.yaml")
    except ScenarioError as exc:
        message = str(exc)
        spec = None
    if spec is None:
        assert "\n" not in message
        assert message.startswith("s.yaml")
        return
    assert isinstance(spec, Scenario)
    for number in _numbers(spec.canonical()):
        assert math.isfinite(number)
    for shock in spec.shocks.tariffs:
        assert not isinstance(shock.rate, bool)
        assert not isinstance(shock.add, bool)


# -- the duty validator ---------------------------------------------------------------------

_VALUES = st.one_of(
    st.floats(),
    st.integers(min_value=-(10**6), max_value=10**12),
    st.booleans(),
    st.text(max_size=8),
    st.none(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=_VALUES,
    us_content=_VALUES,
    quantity=_VALUES,
    usmca=_VALUES,
    origin=st.sampled_from(["MEX", "CAN", "CHN", "XYZ", "mex", "", "M3X"]),
    importer=st.sampled_from(["USA", "CAN", "ZZZ"]),
)
def test_calculate_answers_finite_duty_or_refuses(
    value: Any, us_content: Any, quantity: Any, usmca: Any, origin: str, importer: str
) -> None:
    try:
        result = duty_mod.calculate(
            "8703.23.0190",
            origin,
            "2025-06-01",
            value,
            importer=importer,
            usmca=usmca,
            us_content=us_content,
            quantity=quantity,
            unit="No." if quantity is not None else None,
        )
    except TradewindsError as exc:
        result = str(exc)
    if isinstance(result, str):
        assert "\n" not in result
        return
    assert math.isfinite(result.total_duty)
    assert result.total_duty >= 0
    assert math.isfinite(result.customs_value)
    assert result.customs_value > 0
