"""What the API lets a request do: no server paths, bounded bodies, a bearer token.

The API runs on someone's machine and may listen beyond it. A request therefore never names a
file on the server: baselines are bundled names, and measure files or comparison scenarios come
as content in the request (see :mod:`tradewinds.api.inputs`). Bodies are capped in size by a
middleware (413), and launching work or writing to the store needs a bearer token when the
server was given one or listens on a non-loopback address.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradewinds.core.errors import ScenarioError, TradewindsError


class ForbiddenPathError(TradewindsError, ValueError, exit_code=2, http_status=400):
    """A request field names a server path; the API accepts names and content only."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AuthError(TradewindsError, PermissionError, exit_code=2, http_status=401):
    """A request lacks the bearer token this server requires."""


class LimitError(TradewindsError, ValueError, exit_code=2, http_status=413):
    """A request asks for more work or data than the server's stated limits allow."""

    def __init__(self, message: str, field: str | None = None, status: int = 413) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


class ConfigurationError(TradewindsError, ValueError, exit_code=2, http_status=500):
    """The server was started with options that would expose it unsafely."""


@dataclass(frozen=True)
class Limits:
    """The server's stated limits (documented in ``docs/api.md``)."""

    #: Largest request body, in bytes.
    max_body: int = 2_000_000
    #: Most lines of a batch duty CSV.
    max_batch_lines: int = 100_000
    #: Most tariff, trade-cost and retaliation entries in one scenario.
    max_shock_entries: int = 2_000
    #: Most Monte Carlo draws or united-front elasticity draws per job.
    max_draws: int = 5_000
    #: Most materials in one bill of materials (``/api/v1/origin/check``).
    max_bom_materials: int = 5_000
    #: Seconds a synchronous request may compute before it is answered with 504.
    request_seconds: float = 30.0
    #: Seconds a job may run before it is stopped and marked failed.
    job_seconds: float = 1800.0
    #: Jobs waiting to start; more are refused with 429.
    max_queue: int = 8


@dataclass(frozen=True)
class Settings:
    """How one API process is configured (``tradewinds serve`` options)."""

    host: str = "127.0.0.1"
    store: Path | None = None
    token: str | None = None
    private: bool = False
    public_reads: bool = False
    cors: tuple[str, ...] = ()
    scheduler: str | None = None
    workers: int = 1
    scenario_dir: Path | None = None
    #: Host names the server answers for besides its own (``--allowed-host``); ``*`` is any.
    allowed_hosts: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)

    @property
    def loopback(self) -> bool:
        """Whether the server listens on a loopback address only."""
        return is_loopback(self.host)

    @property
    def writes_need_token(self) -> bool:
        """Launching jobs and writing to the store need the token."""
        return self.token is not None or not self.loopback

    @property
    def reads_need_token(self) -> bool:
        """Whether read-only endpoints need the token (``/api/v1/health`` never does).

        They do on a ``--private`` server, and on a non-loopback host unless ``--public-reads``
        opens them.
        """
        return self.private or (not self.loopback and not self.public_reads)

    @property
    def host_names(self) -> tuple[str, ...]:
        """The names a request's ``Host`` may give: the loopback names, ``--host``, the extras.

        A server bound to every interface (``0.0.0.0``, ``::``) also answers for any IP
        address: a DNS-rebinding page reaches a server through a name, never an address.
        """
        names = dict.fromkeys((*LOOPBACK_NAMES, host_name(self.host), *EXTRA_HOSTS))
        names.update(dict.fromkeys(host_name(h) for h in self.allowed_hosts))
        return tuple(n for n in names if n)

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request whose ``Host`` header is ``header`` may proceed.

        Refusing the names the server was not given keeps a web page that points its own DNS
        name at 127.0.0.1 (DNS rebinding) from using the server as if it were same-origin. A
        request without ``Host`` (HTTP/1.0, never a browser) passes.
        """
        if header is None:
            return True
        name = host_name(header, port=True)
        names = self.host_names
        if "*" in names or name in names:
            return True
        if host_name(self.host) in WILDCARD_HOSTS:
            try:
                ipaddress.ip_address(name)
            except ValueError:
                return False
            return True
        return False

    def check(self) -> None:
        """Refuse a configuration that would expose the server (public host, no token)."""
        if not self.loopback and self.token is None:
            raise ConfigurationError(
                f"--host {self.host!r} is not a loopback address and no --token-file was given: "
                "anyone who can reach the port could launch jobs. Give --token-file FILE (a "
                "secret of at least 16 characters) or bind 127.0.0.1."
            )


#: Host names every server answers for: the loopback interface, by name and address.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
#: Addresses that bind every interface (the server cannot know its names from them).
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
#: Names every server in this process also answers for: empty in production. The test suite adds
#: ``testserver``, the ``Host`` of Starlette's ``TestClient`` (as Django's test runner adds it
#: to ``ALLOWED_HOSTS``).
EXTRA_HOSTS: tuple[str, ...] = ()


def host_name(value: str, *, port: bool = False) -> str:
    """A host name as compared: lower case, no brackets or final dot, no ``:port`` if ``port``.

    ``[::1]:8000`` gives ``::1``; ``LocalHost.:8000`` gives ``localhost``.
    """
    text = value.strip().lower()
    if port:
        if text.startswith("["):
            text = text[1:].partition("]")[0]
        elif text.count(":") == 1:
            text = text.partition(":")[0]
    return text.strip("[]").rstrip(".")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_token(path: Path) -> str:
    """The bearer token in ``path`` (first line, stripped); at least 16 characters."""
    from tradewinds.core.inputs import check_input_file

    try:
        check_input_file(path, "token file")  # a FIFO would wait forever
        token = path.read_text(encoding="utf-8").strip().splitlines()[0].strip()
    except (OSError, UnicodeDecodeError, IndexError, ScenarioError):
        raise ConfigurationError(
            f"Cannot read a token from --token-file {str(path)!r}; put one secret line in it."
        ) from None
    if len(token) < 16:
        raise ConfigurationError(
            f"The token in {str(path)!r} has {len(token)} characters; use at least 16."
        )
    return token


def check_token(settings: Settings, authorization: str | None, *, write: bool) -> None:
    """Raise :class:`AuthError` unless the request may proceed.

    Writes (jobs, store) need the token when :attr:`Settings.writes_need_token`; reads when
    :attr:`Settings.reads_need_token`.
    """
    needed = settings.writes_need_token if write else settings.reads_need_token
    if not needed:
        return
    scheme, _, given = (authorization or "").partition(" ")
    expected = settings.token or ""
    # Bytes, not text: compare_digest refuses non-ASCII str, and a header may carry any byte.
    matches = hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())
    if scheme.lower() != "bearer" or not expected or not matches:
        raise AuthError(
            "This endpoint needs 'Authorization: Bearer <token>' with the server's token "
            "(from its --token-file)."
        )


#: A file name a request may use for content it sends: no folders, no leading dot or tilde.
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$")


def plain_name(value: str, field: str) -> str:
    """``value`` if it is a plain name, never a path; :class:`ForbiddenPathError` otherwise."""
    text = str(value)
    if (
        "/" in text
        or "\\" in text
        or text.startswith(("~", "."))
        or ".." in text
        or "\x00" in text
        or Path(text).is_absolute()
        or not _NAME.match(text)
    ):
        raise ForbiddenPathError(
            f"{field}: {text[:60]!r} looks like a path; the API never reads server files. "
            "Use a bundled name, or send the file's content in the request.",
            field=field,
        )
    return text


def bundled_baseline(name: str | None, field: str) -> str | None:
    """``name`` if it is a bundled baseline; a path is refused, an unknown name is a 404."""
    if name is None:
        return None
    from tradewinds.core.errors import UnknownLabelError
    from tradewinds.data.loaders import bundled_names

    plain_name(name, field)
    known = bundled_names()
    if name not in known:
        error = UnknownLabelError("baseline", name, known, field)
        error.field = field  # type: ignore[attr-defined]
        raise error
    return name


ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


#: Scope key set when a streamed body passes the limit (FastAPI turns the read error into a 400).
TOO_LARGE = "tradewinds.body_too_large"


def too_large_body(limit: int) -> dict[str, Any]:
    """The error body of a request over the size limit."""
    return {
        "error": "LimitError",
        "message": f"The request body is larger than the server's limit of {limit:,} bytes.",
        "field": None,
        "status": 413,
    }


class BodyLimit:
    """ASGI middleware: a body over ``max_body`` bytes is answered 413 without reading on."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(  # noqa: D102
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _too_large(send, self.max_body)
            return
        seen = 0
        refused = False

        async def limited() -> Any:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    refused = True
                    scope[TOO_LARGE] = self.max_body  # for a handler that catches it first
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(send, self.max_body)
        except Exception:
            if refused:
                await _too_large(send, self.max_body)
                return
            raise


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Callable[[Any], Awaitable[None]], limit: int) -> None:
    import json

    body = json.dumps(too_large_body(limit)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def check_count(count: int, limit: int, what: str, field: str) -> None:
    """Refuse ``count`` items above ``limit`` with a :class:`LimitError` naming the field."""
    if count > limit:
        raise LimitError(
            f"{field}: {count:,} {what} is more than this server's limit of {limit:,}.",
            field=field,
        )


def scenario_error(message: str, field: str | None) -> ScenarioError:
    """A :class:`ScenarioError` that carries the field path it is about."""
    error = ScenarioError(message)
    error.field = field  # type: ignore[attr-defined]
    return error
