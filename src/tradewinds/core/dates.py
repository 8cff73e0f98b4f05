"""Dates given by users: one parser, one message.

Kept apart from :mod:`tradewinds.core.inputs` (which imports PyYAML and pydantic for reading
files) so that a command taking only a date, such as ``tradewinds etr --date``, imports neither.
"""

from __future__ import annotations

import datetime as dt

from tradewinds.core.errors import ScenarioError


def parse_date(text: object, what: str) -> dt.date:
    """An ISO ``YYYY-MM-DD`` date; :class:`ScenarioError` naming ``what`` for impossible ones."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ScenarioError(
            f"{what}: {text!r} is not a valid date; give an existing day as YYYY-MM-DD "
            "(e.g. 2025-03-04)."
        ) from None
