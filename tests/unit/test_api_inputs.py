"""The API's input guards: plain names only, loopback detection, path scrubbing, aliases."""

from __future__ import annotations

import pytest

from tradewinds.api.errors import scrub
from tradewinds.api.inputs import refuse_aliases
from tradewinds.api.security import ForbiddenPathError, is_loopback, plain_name
from tradewinds.core.errors import ScenarioError


@pytest.mark.parametrize("name", ["extra.yaml", "a-b_c.yml", "measures2026.YAML", "x"])
def test_plain_names_pass(name: str) -> None:
    assert plain_name(name, "files") == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        ".hidden",
        "a/b.yaml",
        "..",
        "../x",
        "~x",
        "~/x",
        "/etc/passwd",
        "C:\\x",
        "a\x00b",
        "x" * 101,
    ],
)
def test_paths_are_refused(name: str) -> None:
    with pytest.raises(ForbiddenPathError) as info:
        plain_name(name, "files.x")
    assert info.value.field == "files.x"
    assert info.value.http_status == 400


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_scrub_keeps_the_last_component_of_paths_only() -> None:
    message = "Cannot read '/tmp/tradewinds-api-x1/extra.yaml': no such file\nsecond line"
    assert scrub(message) == "Cannot read 'extra.yaml': no such file"
    assert scrub("see https://example.org/a/b for more") == "see https://example.org/a/b for more"


def test_aliases_are_refused_but_plain_yaml_passes() -> None:
    refuse_aliases("title: x\nshocks: {tariffs: []}\n", "scenario")
    refuse_aliases("title: [unclosed\n", "scenario")  # syntax errors are parse_yaml's to report
    with pytest.raises(ScenarioError, match="aliases"):
        refuse_aliases("a: &x [1]\nb: *x\n", "scenario")
