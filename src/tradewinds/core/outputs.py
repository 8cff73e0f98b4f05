"""Output files written whole or not at all.

Every table, batch result and figure the package writes goes through :func:`write_atomically`:
the content is written to a temporary file beside the destination and renamed into place, so a
failed write (a full disk, a file-size limit, a folder that vanished) leaves no truncated file
and keeps an older file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

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
