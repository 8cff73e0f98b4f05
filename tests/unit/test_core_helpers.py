"""The small shared helpers of ``core``: error codes in class headers, mapping validation and
plain-data views of records."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import BaseModel, ConfigDict

from tradewinds.api.jobs import QueueFullError
from tradewinds.api.security import AuthError
from tradewinds.core.errors import (
    ConvergenceError,
    DataError,
    ScenarioError,
    StoreError,
    TradewindsError,
    UnknownLabelError,
)
from tradewinds.core.inputs import validate_mapping
from tradewinds.core.records import attributes


@pytest.mark.parametrize(
    ("cls", "exit_code", "http_status"),
    [
        (TradewindsError, 1, 400),
        (ScenarioError, 2, 422),
        (DataError, 3, 422),
        (StoreError, 3, 500),  # exit code inherited from DataError, status its own
        (UnknownLabelError, 2, 404),
        (ConvergenceError, 4, 500),
        (AuthError, 2, 401),
        (QueueFullError, 1, 429),  # exit code inherited from the root
    ],
)
def test_error_classes_carry_the_codes_of_their_header(
    cls: type[TradewindsError], exit_code: int, http_status: int
) -> None:
    assert (cls.exit_code, cls.http_status) == (exit_code, http_status)


def test_a_code_named_in_a_subclass_header_does_not_touch_its_parent() -> None:
    class Teapot(ScenarioError, http_status=418):
        """A test error."""

    assert (Teapot.exit_code, Teapot.http_status) == (2, 418)
    assert ScenarioError.http_status == 422
    assert isinstance(Teapot("x"), ValueError)


class _Point(BaseModel):
    model_config = ConfigDict(extra="forbid")

    x: float
    y: float = 0.0


def test_validate_mapping_returns_the_model() -> None:
    assert validate_mapping(_Point, {"x": 1}, "p.yaml", "a point", "docs/x.md") == _Point(x=1)


def test_validate_mapping_refuses_a_non_mapping_naming_source_and_what() -> None:
    with pytest.raises(
        ScenarioError, match=r"^p\.yaml: a point must be a mapping of keys, got list"
    ):
        validate_mapping(_Point, [1, 2], "p.yaml", "a point", "docs/x.md")


def test_validate_mapping_names_an_unknown_key_and_the_doc() -> None:
    with pytest.raises(ScenarioError, match=r"unknown key 'z'.*docs/x\.md"):
        validate_mapping(_Point, {"x": 1, "z": 2}, "p.yaml", "a point", "docs/x.md")


@dataclass(frozen=True)
class _Record:
    b: int
    a: int

    @property
    def total(self) -> int:
        return self.a + self.b


def test_attributes_keeps_the_order_asked_and_reads_properties() -> None:
    out = attributes(_Record(b=2, a=1), "total", "a", "b")
    assert list(out.items()) == [("total", 3), ("a", 1), ("b", 2)]
