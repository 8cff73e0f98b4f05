"""Output files written whole or not at all.

Every table, batch result and figure the package writes goes through :func:`write_atomically`:
the content is written to a temporary file beside the destination and renamed into place, so a
failed write (a full disk, a file-size limit, a folder that vanished) leaves no truncated file
and keeps an older file as it was.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from tradewinds.core.errors import ScenarioError


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``.

    The file gets the mode a plain ``open`` would give it (``0o666`` less the umask). Any
    :class:`OSError` is one :class:`ScenarioError` naming the file and the system's reason.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def _unwritable(path: Path, exc: OSError) -> ScenarioError:
    return ScenarioError(
        f"Cannot write output file {str(path)!r}: {exc.strerror or exc}. Give a writable file "
        "path (not a folder)."
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_xlsx(
    path: Path, sheet: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write one worksheet to ``path``: a header row of ``columns``, then ``rows``.

    The package's one Excel writer (duty batches, tidy records). It streams the rows (openpyxl's
    write-only mode), so memory stays bounded by a row however long the table, and a million
    duty lines fit in the batch's memory budget. A missing value (``None``, NaN, ``pd.NA``,
    ``NaT``) is an empty cell, and text is always text: a value starting with ``=`` is stored as
    a string, never as a formula a spreadsheet would run.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    table = book.create_sheet(sheet)

    def cell(value: Any) -> Any:
        if isinstance(value, str):
            if not value.startswith("="):
                return value
            text = WriteOnlyCell(table, value=value)
            text.data_type = "s"
            return text
        if value is None or type(value).__name__ in _MISSING:
            return None
        if isinstance(value, float) and math.isnan(value):
            return None
        return value

    table.append([str(c) for c in columns])
    for row in rows:
        table.append([cell(v) for v in row])
    book.save(path)


#: Type names of pandas' missing values (checked by name: core does not import pandas).
_MISSING = frozenset({"NAType", "NaTType"})
