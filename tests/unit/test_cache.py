"""The binary cache of parsed packaged data (:mod:`tradewinds.core.cache`) and lazy imports."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import numpy as np
import pytest

from tradewinds.core import cache
from tradewinds.measures import products, registry


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(directory))
    return directory


def _counter():
    calls = []

    def build():
        calls.append(1)
        return {"built": len(calls)}

    return calls, build


def test_second_call_is_served_from_the_file(cache_dir, tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("x: 1\n")
    calls, build = _counter()
    assert cache.cached("thing", [src], build) == {"built": 1}
    assert cache.cached("thing", [src], build) == {"built": 1}
    assert len(calls) == 1
    assert len(list(cache_dir.glob("thing-*.pickle"))) == 1


def test_changed_source_contents_rebuild_and_old_versions_are_pruned(cache_dir, tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("x: 1\n")
    _, build = _counter()
    cache.cached("thing", [src], build)
    src.write_text("x: 2\n")
    assert cache.cached("thing", [src], build) == {"built": 2}
    for k in range(3, 3 + cache.KEEP):
        src.write_text(f"x: {k}\n")
        cache.cached("thing", [src], build)
    # a few versions are kept (checkouts sharing the cache), the oldest are removed
    assert len(list(cache_dir.glob("thing-*.pickle"))) == cache.KEEP


def test_pruning_one_name_leaves_a_longer_name_alone(cache_dir, tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("x: 0\n")
    _, build = _counter()
    cache.cached("thing-extra", [src], build)  # "thing-*.pickle" matches this file's name too
    for k in range(1, 2 + cache.KEEP):
        src.write_text(f"x: {k}\n")
        cache.cached("thing", [src], build)
    assert len(list(cache_dir.glob("thing-extra-*.pickle"))) == 1
    assert len([p for p in cache_dir.glob("thing-*.pickle") if "extra" not in p.name]) == cache.KEEP


def test_key_covers_contents_code_and_extra_not_timestamps(tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("x: 1\n")
    key = cache.content_key([src])
    src.touch()
    assert cache.content_key([src]) == key
    assert cache.content_key([src], code=["tradewinds.core.cache"]) != key
    assert cache.content_key([src], extra="v2") != key


def test_corrupt_cache_is_rebuilt_and_logged(cache_dir, tmp_path, caplog):
    src = tmp_path / "a.yaml"
    src.write_text("x: 1\n")
    calls, build = _counter()
    cache.cached("thing", [src], build)
    (path,) = cache_dir.glob("thing-*.pickle")
    path.write_bytes(b"\x80\x05garbage")
    with caplog.at_level(logging.WARNING, logger="tradewinds.core.cache"):
        assert cache.cached("thing", [src], build) == {"built": 2}
    assert "unreadable" in caplog.text
    assert cache.cached("thing", [src], build) == {"built": 2}  # rewritten, read again
    assert len(calls) == 2


def test_unwritable_or_disabled_cache_still_answers(tmp_path, monkeypatch):
    src = tmp_path / "a.yaml"
    src.write_text("x: 1\n")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker / "cache"))
    _, build = _counter()
    assert cache.cached("thing", [src], build) == {"built": 1}
    monkeypatch.setenv(cache.ENV_VAR, "off")
    assert cache.cache_dir() is None
    assert cache.cached("thing", [src], build) == {"built": 2}


def test_registry_from_cache_equals_a_fresh_parse(cache_dir):
    registry._default_registry.cache_clear()
    try:
        first = registry.load_registry()
        assert list(cache_dir.glob("registry-*.pickle"))
        registry._default_registry.cache_clear()
        again = registry.load_registry()
        fresh = registry.build_registry(registry._packaged_files(), registry._precedence_path())
        assert again == fresh == first
        assert again.origin == fresh.origin
    finally:
        registry._default_registry.cache_clear()


def test_edited_registry_file_invalidates_the_key(tmp_path):
    files = [tmp_path / p.name for p in registry._packaged_files()]
    for src, dst in zip(registry._packaged_files(), files, strict=True):
        dst.write_bytes(src.read_bytes())
    code = ["tradewinds.measures.registry", "tradewinds.measures.schema"]
    key = cache.content_key(files, code)
    files[0].write_text(files[0].read_text() + "\n# a comment\n")
    assert cache.content_key(files, code) != key


def test_hts_universe_from_cache_equals_a_fresh_parse(cache_dir):
    products.hts_universe.cache_clear()
    try:
        products.hts_universe()
        products.hts_universe.cache_clear()
        cached = products.hts_universe()
        fresh = products._build_universe()
        np.testing.assert_array_equal(cached.codes, fresh.codes)
        for name, column in fresh.columns.items():
            np.testing.assert_array_equal(cached.columns[name], column)
        assert list(cached.table.columns) == ["code", *fresh.columns]
    finally:
        products.hts_universe.cache_clear()


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return set(out.stdout.split())


@pytest.mark.slow
def test_bundled_baseline_loads_without_dask_or_scipy(tmp_path):
    env = {**os.environ, cache.ENV_VAR: str(tmp_path / "cache")}
    load = "from tradewinds.data.loaders import load_baseline; load_baseline('default')"
    cold = _modules_after(load, env)  # decodes the netCDF file (scipy.io) and caches it
    warm = _modules_after(load, env)
    for loaded in (cold, warm):
        assert "xarray" in loaded
        assert not {m for m in loaded if m == "dask" or m.startswith("dask.")}
    assert "scipy.io" in cold
    assert "scipy.io" not in warm


@pytest.mark.slow
def test_one_duty_line_imports_neither_pandas_nor_pydantic_nor_yaml(tmp_path):
    env = {**os.environ, cache.ENV_VAR: str(tmp_path / "cache")}
    duty = (
        "from tradewinds.cli.main import main\n"
        "main(['duty', '--hts', '6109.10.0012', '--origin', 'CAN', '--date', '2025-08-15', "
        "'--value', '1000', '--format', 'json'])"
    )
    _modules_after(duty, env)  # a cold cache parses the HTS table (with pandas) once
    loaded = _modules_after(duty, env)
    assert "tradewinds.measures.duty" in loaded
    assert "pandas" not in loaded
    # the fields are checked by the columnar rules (no Shipment record); data files come cached
    assert "pydantic" not in loaded
    assert "yaml" not in loaded


def test_version_option(capsys):
    from tradewinds import __version__
    from tradewinds.cli.main import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"tradewinds {__version__}"


def test_root_help_lists_every_command(capsys):
    from tradewinds.cli.main import COMMAND_MODULES, main

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMAND_MODULES:
        assert name in out
