"""The one duty engine's parts that keep it fast: exact pattern factoring, one rule table."""

from __future__ import annotations

import numpy as np
import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.measures.duty import calculate
from tradewinds.measures.fields import NUMBERS, line_columns
from tradewinds.measures.shipment import Shipment
from tradewinds.measures.stacking import distinct_rows


@pytest.mark.parametrize("k", [0, 1, 7, 64, 65, 150])
def test_distinct_rows_matches_numpy_unique(k: int) -> None:
    rng = np.random.default_rng(k)
    matrix = rng.random((500, k)) < 0.05
    matrix[::4] = matrix[1]
    first, inverse = distinct_rows(matrix)
    expected = np.unique(matrix, axis=0)
    assert len(first) == len(expected)
    assert (matrix[first[inverse]] == matrix).all()  # each row is its pattern's first row


def test_distinct_rows_survives_a_key_collision() -> None:
    """Two rows whose mixed 64-bit keys are equal are still told apart."""
    mix = 0x9E3779B97F4A7C15
    w0, w1 = 12345, 678
    other = (w0 + 1, (w1 - mix) % 2**64)  # w0 * mix + w1 == (w0 + 1) * mix + w1 - mix

    def row(words: tuple[int, int]) -> np.ndarray:
        return np.unpackbits(np.array(words, dtype=np.uint64).view(np.uint8)).astype(bool)

    matrix = np.stack([row((w0, w1)), row(other), row((w0, w1))])
    first, inverse = distinct_rows(matrix)
    assert len(first) == 2
    assert inverse[0] == inverse[2] != inverse[1]


LINES = [
    {"hts": "8703.23.0190", "origin": "MEX", "date": "2025-06-01", "value": 30000.0,
     "usmca": True, "us_content": 0.4},
    {"hts": "7308.90.9590", "origin": "CAN", "date": "2025-09-01", "value": 1000.0,
     "metal_content": {"steel": 0.5}},
    {"hts": "6109.10.0012", "origin": "CHN", "date": "2025-09-01", "value": 1000.0},
    {"hts": "0201.10.1010", "origin": "BRA", "date": "2025-05-01", "value": 900.0,
     "quantity": 100.0, "unit": "kg", "us_content": 0.3},
]  # fmt: skip


@pytest.mark.parametrize("line", LINES)
def test_fields_and_record_give_the_same_answer(line: dict[str, object]) -> None:
    by_fields = calculate(**line)  # type: ignore[arg-type]
    by_record = calculate(Shipment.build(**line))
    assert by_fields == by_record
    assert by_fields.to_dict() == by_record.to_dict()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colour": "red"}, "colour 'red': unknown field; a shipment takes hts, origin"),
        ({"metal_content": {"zinc": 0.2}}, "unknown metal; use one of"),
        ({"quantity": 3.0}, "quantity needs unit"),
        ({"value": -1.0}, "value '-1.0' " + NUMBERS["value"].rule),
        ({"usmca": "maybe"}, "usmca 'maybe' is not a yes/no value"),
    ],
)
def test_fields_and_record_refuse_alike(fields: dict[str, object], message: str) -> None:
    line = {**LINES[2], **fields}
    for call in (lambda: calculate(**line), lambda: calculate(Shipment.build(**line))):
        with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace("+", r"\+")):
            call()


def test_line_columns_leave_defaults_out() -> None:
    row = line_columns({"hts": "1", "origin": "CAN", "date": "d", "value": 1.0, "usmca": False})
    assert row == {"importer": "USA", "hts": "1", "origin": "CAN", "date": "d", "value": 1.0}


def test_a_batch_of_many_origins_gives_each_line_its_own_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lines grouped by origin (a few origins per chunk) answer as when evaluated together."""
    from tradewinds.measures import duty
    from tradewinds.measures.batch import duty_batch

    origins = ["CAN", "MEX", "CHN", "DEU", "JPN", "BRA", "IND", "GBR", "KOR", "VNM", "CUB"]
    codes = ["8703.23.0190", "7308.90.9590", "6109.10.0012", "8415.90.8025", "0901.11.0025"]
    rows = [
        (code, origin, date)
        for k, (code, origin) in enumerate((c, o) for c in codes for o in origins)
        for date in (("2025-05-15", "2025-10-15", "2026-03-01")[k % 3],)
    ]
    lines = {
        "hts": [r[0] for r in rows],
        "origin": [r[1] for r in rows],
        "date": [r[2] for r in rows],
        "value": [1000.0 + k for k in range(len(rows))],
        "steel": [0.5] * len(rows),
    }
    together = duty_batch(lines).table
    monkeypatch.setattr(duty, "ORIGINS_PER_CHUNK", 2)
    grouped = duty_batch(lines).table
    assert grouped.height == len(rows)
    assert grouped.equals(together)
    alone = duty_batch({k: [v[7]] for k, v in lines.items()}).table
    assert alone["total_duty"][0] == grouped["total_duty"][7]
