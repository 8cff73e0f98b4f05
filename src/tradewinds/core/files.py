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
