"""A stored answer is served only to the code that computed it."""

from __future__ import annotations

import pytest

from tradewinds.scenarios import recording


def test_cache_key_covers_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    first = recording.cache_key("run", "s" * 64, "b" * 64)
    assert first == recording.cache_key("run", "s" * 64, "b" * 64)
    monkeypatch.setattr(recording, "code_fingerprint", lambda: "another build")
    assert recording.cache_key("run", "s" * 64, "b" * 64) != first


def test_fingerprint_is_the_hash_of_the_installed_files() -> None:
    """The memoised (and user-cached) fingerprint equals a fresh hash of the package's files."""
    from pathlib import Path

    root = Path(recording.__file__).resolve().parents[1]
    fresh = recording._content_fingerprint(root, recording._package_files(root))
    assert len(fresh) == 64
    assert recording.code_fingerprint() == fresh


def test_fingerprint_hashes_contents_and_follows_every_change(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash is kept in the user cache under the files' stat key; any change rehashes."""
    import os
    import time

    monkeypatch.setenv("TRADEWINDS_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "a.py").write_text("x = 1\n")
    (root / "sub" / "b.csv").write_text("a,b\n1,2\n")
    (root / "notes.txt").write_text("not package data\n")

    def content() -> str:
        return recording._content_fingerprint(root, recording._package_files(root))

    def age(path, seconds: int) -> None:  # as if written that long ago
        then = time.time_ns() - seconds * 1_000_000_000
        os.utime(path, ns=(then, then))

    def kept() -> int:
        return len(list((tmp_path / "cache").glob("code-fingerprint-*")))

    racy = recording.fingerprint(root)  # just written: hashed, not kept
    assert racy == content()
    assert kept() == 0
    for path in (root / "a.py", root / "sub" / "b.csv"):
        age(path, 60)
    first = recording.fingerprint(root)
    assert first == racy
    assert kept() == 1
    assert recording.fingerprint(root) == first
    (root / "a.py").write_text("x = 2\n")  # same size, new contents
    age(root / "a.py", 30)
    second = recording.fingerprint(root)
    assert second != first
    assert second == content()
    (root / "sub" / "c.yaml").write_text("k: v\n")
    assert recording.fingerprint(root) not in (first, second)
    monkeypatch.setenv("TRADEWINDS_CACHE", "off")
    assert recording.fingerprint(root) == content()
