"""Reading a file a user names: one check, one reader, one message for each way it can fail.

Kept apart from :mod:`tradewinds.core.inputs` (YAML and pydantic) so that a command that only
checks or reads a file, such as a scenario served from the user cache, imports neither.
"""

from __future__ import annotations

from pathlib import Path

from tradewinds.core.errors import ScenarioError

#: Largest YAML document accepted, in bytes of UTF-8 (2 MB). Parsing is linear in the size, so
#: this also bounds the time and memory of a refused document.
MAX_YAML_BYTES = 2_000_000


def _text_of(data: bytes, source: str) -> str:
    """UTF-8 text of a file's bytes; one clear error for a BOM, binary or another encoding."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(
            f"{source}: the file starts with a byte-order mark (BOM); save it as UTF-8 without "
            "a BOM."
        )
    if b"\x00" in data:
        raise ScenarioError(
            f"{source}: the file is binary (it contains NUL bytes), not YAML text; give a UTF-8 "
            "text file."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"{source}: the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}); "
            "save it as UTF-8."
        ) from None


def check_input_file(path: Path, what: str) -> None:
    """:class:`ScenarioError` unless ``path`` is an existing regular file.

    Every file a user names is checked here before it is opened: a folder says so, and a FIFO,
    socket or device is refused (reading one could wait forever or never end).
    """
    import stat

    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        raise ScenarioError(f"{what.capitalize()} {str(path)!r} does not exist.") from None
    except OSError as exc:
        raise ScenarioError(f"Cannot read {what} {str(path)!r}: {exc.strerror}.") from None
    if stat.S_ISDIR(mode):
        raise ScenarioError(f"{what.capitalize()} {str(path)!r} is a directory, not a file.")
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a device"
        )
        raise ScenarioError(
            f"{what.capitalize()} {str(path)!r} is {kind}, not a regular file; give a file."
        )


def check_input_folder(folder: Path, what: str, pattern: str = "*") -> Path:
    """``folder`` if it is an existing folder whose entries matching ``pattern`` can be read.

    The folder counterpart of :func:`check_input_file`, for options that name a folder
    (``serve --scenarios``, ``replicate --data``): a missing path, a file or a FIFO in place of
    the folder, and a FIFO, socket or device among the entries a command would read (reading
    one could wait forever) each give one :class:`ScenarioError` naming the path. Sub-folders
    are left to the reader.
    """
    import stat

    folder = Path(folder)
    try:
        mode = folder.stat().st_mode
    except FileNotFoundError:
        raise ScenarioError(f"{what.capitalize()} {str(folder)!r} does not exist.") from None
    except OSError as exc:
        raise ScenarioError(f"Cannot read {what} {str(folder)!r}: {exc.strerror}.") from None
    if not stat.S_ISDIR(mode):
        raise ScenarioError(f"{what.capitalize()} {str(folder)!r} is not a folder; give a folder.")
    try:
        entries = sorted(folder.glob(pattern))
    except OSError as exc:
        raise ScenarioError(f"Cannot list {what} {str(folder)!r}: {exc.strerror}.") from None
    for entry in entries:
        try:
            if entry.is_dir() or not entry.exists():  # a sub-folder, or a dangling link
                continue
        except OSError:
            pass
        check_input_file(entry, f"file in the {what}")
    return folder


def read_text_file(path: Path, what: str, *, max_bytes: int | None = MAX_YAML_BYTES) -> str:
    """A user text file as UTF-8; :class:`ScenarioError` naming the file when it cannot be read."""
    path = Path(path)
    check_input_file(path, what)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise ScenarioError(
                f"{what.capitalize()} {str(path)!r} is {size:,} bytes; the limit is "
                f"{max_bytes:,} (see docs/input-limits.md)."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"Cannot read {what} {str(path)!r}: {exc.strerror}.") from None
    return _text_of(data, f"{what.capitalize()} {str(path)!r}")
