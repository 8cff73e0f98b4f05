"""User text on a terminal: shown as written, never run as markup or control sequences.

Scenario titles, notes, file names, measure titles and every other text a user wrote reach
tables and messages. Rich would read ``[red]Plan[/red] A`` as markup (and crash on ``[/] x``),
and a terminal would obey an escape sequence such as ``ESC]0;…`` (set the window title) or
``ESC[2J`` (clear the screen) inside a title. Two defences, both here:

- :func:`literal` turns user text into a Rich ``Text`` (never parsed as markup) with its control
  characters made visible; every place that shows user text goes through it.
- :class:`SafeConsole`, the console of every command, makes control characters visible in any
  string it renders and shows a string that is not valid markup as it is, so a place that
  missed :func:`literal` can print a wrong-looking line but never crash or drive the terminal.

Control characters are replaced one for one by their Unicode control pictures (ESC becomes
``␛``, BEL ``␇``), so the text keeps its length and its style spans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.errors import MarkupError
from rich.text import Text

if TYPE_CHECKING:
    from rich.style import Style

#: C0 controls (but newline and tab) and DEL to their Unicode control pictures; C1 controls to
#: the replacement character.
_VISIBLE = {
    **{c: 0x2400 + c for c in range(0x20) if chr(c) not in "\n\t"},
    0x7F: 0x2421,
    **dict.fromkeys(range(128, 160), 65533),
}


def visible_controls(text: str) -> str:
    """``text`` with every control character but newline and tab replaced by a visible one."""
    return text.translate(_VISIBLE)


def literal(text: object, style: str | Style = "") -> Text:
    """User text as a Rich ``Text``: shown exactly as written, control characters visible."""
    return Text(visible_controls(str(text)), style=style)


def plain_of_markup(text: str) -> str:
    """The text ``text`` shows as markup, or ``text`` itself if it is not valid markup."""
    try:
        return Text.from_markup(text).plain
    except MarkupError:
        return text


class SafeConsole(Console):
    """A Rich console whose strings can never crash it or reach the terminal as controls."""

    def render_str(self, text: str, **kwargs: Any) -> Text:  # noqa: D102 (as Console's)
        try:
            rendered = super().render_str(text, **kwargs)
        except MarkupError:
            rendered = super().render_str(text, **{**kwargs, "markup": False})
        plain = rendered.plain
        shown = visible_controls(plain)
        if shown != plain:
            rendered = rendered.copy()
            rendered.plain = shown
        return rendered
