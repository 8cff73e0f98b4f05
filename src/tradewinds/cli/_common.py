"""Helpers shared by the CLI commands: consoles, output files and tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from tradewinds.store import ResultsStore


def console() -> Console:
    """Console for results on stdout."""
    import os
    import sys

    from tradewinds.reporting.terminal import SafeConsole

    # Piped or redirected output gets a width that fits the widest tables instead of 80, unless
    # COLUMNS says otherwise (as it does for a user who sets it, and in the width tests).
    wide = sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit()
    return SafeConsole(highlight=False, width=None if wide else 132)


#: Parameter names of the CLI that name a file the command writes; every other path it is given
#: (a Path, a list of Paths, or text naming an existing file) is an input.
OUTPUT_PARAMS = frozenset({"output", "plot", "html", "map_file"})
#: What a table output can be (``write_records``) and what a figure is written as (HTML, with
#: plotly.js inline; a PNG or PDF would need an image exporter the package does not have).
TABLE_SUFFIXES = (".csv", ".json", ".xlsx")
FIGURE_SUFFIXES = (".html", ".htm")
#: Formats of each output parameter; ``EXCEPTIONS`` by "command path/parameter" (None: the
#: command checks its own format).
OUTPUT_FORMATS: dict[str, tuple[str, ...]] = {
    "output": TABLE_SUFFIXES,
    "plot": FIGURE_SUFFIXES,
    "html": FIGURE_SUFFIXES,
    "map_file": FIGURE_SUFFIXES,
}
OUTPUT_FORMAT_EXCEPTIONS: dict[str, tuple[str, ...] | None] = {
    "etr/plot": (".html", ".png"),
    "report/output": FIGURE_SUFFIXES,
    "corridors scenario/output": (".yaml", ".yml"),
    "duty/output": None,
}


def check_output(
    path: Path | None, suffixes: tuple[str, ...] = TABLE_SUFFIXES, option: str = "Output file"
) -> None:
    """Refuse an ``--output`` that cannot be written, before any work is done.

    The suffix must be one of ``suffixes``; the path must not be a folder; the file (if it
    exists) or the nearest existing parent folder must be writable. Nothing is created here.
    """
    if path is None:
        return
    import os

    suffix = path.suffix.lower()
    if suffixes and suffix not in suffixes:
        allowed = " or ".join(filter(None, (", ".join(suffixes[:-1]), suffixes[-1])))
        raise ScenarioError(
            f"{option} {str(path)!r} must end in {allowed} (got {suffix or 'no suffix'!r}): "
            "the file is written in the format its name says."
        )
    if path.is_dir():
        raise ScenarioError(f"Output file {str(path)!r} is a directory; give a file name.")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise ScenarioError(f"Output file {str(path)!r} is not writable.")
        return
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ScenarioError(
            f"Output file {str(path)!r} cannot be created: {str(parent)!r} is not a directory."
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ScenarioError(
            f"Output file {str(path)!r} cannot be created: directory {str(parent)!r} is not "
            "writable."
        )


def check_outputs(command: str, params: dict[str, Any], opts: dict[str, str]) -> None:
    """Check every output path of ``command`` before any work: format, place, not an input.

    One rule for every command (:func:`tradewinds.cli.main.main` applies it): each output
    parameter's suffix must be one its command writes (:data:`OUTPUT_FORMATS`), the file must
    be writable (:func:`check_output`), and no output may be an input or another output.
    """
    for name in OUTPUT_PARAMS:
        value = params.get(name)
        if value is None or str(value) == "-":
            continue
        formats = OUTPUT_FORMAT_EXCEPTIONS.get(f"{command}/{name}", OUTPUT_FORMATS[name])
        if formats is not None:
            check_output(Path(value), formats, opts.get(name, name))
    refuse_output_over_input(params, opts)


def _as_files(value: Any) -> list[Path]:
    """The existing regular files a parameter value names (none for other values)."""
    values = value if isinstance(value, list | tuple) else [value]
    out: list[Path] = []
    for v in values:
        if isinstance(v, Path | str) and str(v) not in {"", "-"}:
            path = Path(v)
            try:
                if path.is_file():
                    out.append(path)
            except (OSError, ValueError):  # a name too long or with NUL is no file
                continue
    return out


def refuse_output_over_input(params: dict[str, Any], opts: dict[str, str] | None = None) -> None:
    """Refuse, before any work, an output path that is one of the command's inputs or outputs.

    ``params`` are a command's parameters by name; ``opts`` the option spelling of each name
    (for the message). Outputs are the parameters of :data:`OUTPUT_PARAMS`; the check compares
    files (``os.path.samefile``), so a link or another spelling of the same file is caught too.
    """
    import os

    opts = opts or {}
    outputs = [(name, p) for name in OUTPUT_PARAMS for p in _as_files(params.get(name))]
    if not outputs:
        return
    others = [
        (name, p)
        for name, value in params.items()
        for p in _as_files(value)
        if name not in OUTPUT_PARAMS
    ]
    for k, (name, out) in enumerate(outputs):
        for other_name, other in others + outputs[k + 1 :]:
            if os.path.samefile(out, other):
                what = "input" if other_name not in OUTPUT_PARAMS else "output"
                raise ScenarioError(
                    f"{opts.get(name, name)} {str(out)!r} is the same file as the {what} "
                    f"{opts.get(other_name, other_name)} {str(other)!r}; writing it would "
                    "overwrite it. Give another output path."
                )


def write_records(records: pd.DataFrame, path: Path) -> None:
    """Write tidy records as CSV, JSON or Excel (.xlsx), chosen by the file extension.

    Records with a ``sector`` column get a ``sector_name`` beside it (``c15`` ->
    ``transport equipment``; see :mod:`tradewinds.reporting.sectors`). The file is written
    whole or not at all (:func:`tradewinds.core.outputs.write_atomically`).
    """
    from tradewinds.core.outputs import write_atomically, write_xlsx

    check_output(path)
    suffix = path.suffix.lower()
    from tradewinds.reporting.sectors import with_sector_names

    records = with_sector_names(records)

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            records.to_csv(tmp, index=False)
        elif suffix == ".xlsx":
            rows = records.itertuples(index=False, name=None)
            write_xlsx(tmp, "records", list(records.columns), rows)
        else:
            records.to_json(tmp, orient="records", indent=1)

    write_atomically(path, write)


#: Help text of the ``--store`` option shared by the commands that use the results store.
STORE_HELP = "Results store directory (default: $TRADEWINDS_STORE, else the user data directory)."


def open_store(path: Path | None, *, enabled: bool = True) -> ResultsStore | None:
    """The results store at ``path`` (or the default), or ``None`` when storing is off."""
    if not enabled:
        return None
    from tradewinds.store import ResultsStore

    return ResultsStore(path)


def read_text(path: Path) -> str:
    """A scenario file's text as written (stored with the run)."""
    from tradewinds.core.files import read_text_file

    return read_text_file(path, "scenario file")


def _stderr() -> Console:
    return err_console(soft_wrap=False)


def err_console(*, soft_wrap: bool = True) -> Console:
    """Console for messages on stderr (user text safe: :mod:`tradewinds.reporting.terminal`)."""
    from tradewinds.reporting.terminal import SafeConsole

    return SafeConsole(stderr=True, highlight=False, soft_wrap=soft_wrap)


@contextmanager
def progress_bar(description: str, unit: str = "") -> Iterator[Callable[[int, int | None], None]]:
    """A Rich progress bar on stderr; yields ``update(done, total)`` (``total`` None: unknown).

    The bar is drawn only when stderr is a terminal; either way one summary line (what, how
    many, how long) goes to stderr at the end, so redirected output and ``--format json`` on
    stdout stay clean.
    """
    import time

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    err = _stderr()
    state = {"done": 0, "total": None}
    start = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int | None) -> None:
            state["done"], state["total"] = done, total
            bar.update(task, completed=done, total=total)

        yield update
    seconds = time.perf_counter() - start
    of = f" of {state['total']}" if state["total"] is not None else ""
    err.print(
        f"[dim]{description}: {state['done']}{of} {unit} in {seconds:.1f} s[/]".replace("  ", " ")
    )


@contextmanager
def solving(description: str) -> Iterator[None]:
    """A spinner with the elapsed time on stderr while a single long step runs (terminals only)."""
    err = _stderr()
    if not err.is_terminal:
        yield
        return
    with err.status(f"[bold]{description}[/]…", spinner="dots"):
        yield
