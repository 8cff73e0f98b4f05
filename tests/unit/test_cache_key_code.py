"""A stored answer is served only to the code that computed it."""

from __future__ import annotations

import pytest

from tradewinds.scenarios import recording


def test_cache_key_covers_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    first = recording.cache_key("run", "s" * 64, "b" * 64)
    assert first == recording.cache_key("run", "s" * 64, "b" * 64)
    monkeypatch.setattr(recording, "code_fingerprint", lambda: "another build")
    assert recording.cache_key("run", "s" * 64, "b" * 64) != first


def test_fingerprint_is_stable_within_a_process() -> None:
    assert recording.code_fingerprint() == recording.code_fingerprint()
    assert len(recording.code_fingerprint()) == 64
