"""The packaged derived tables are the ones the build script recorded."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from tradewinds.data.loaders import file_sha256


def test_derived_files_match_provenance():
    base = Path(str(resources.files("tradewinds.measures").joinpath("data/derived")))
    prov = json.loads((base / "provenance.json").read_text())
    assert prov["raw_files"]
    assert "build_defaults.py" in prov["built_by"]
    for name, digest in prov["outputs"].items():
        assert file_sha256(base / name) == digest, name


def test_raw_files_hash_as_recorded(shared_data):
    prov = json.loads(
        Path(
            str(resources.files("tradewinds.measures").joinpath("data/derived/provenance.json"))
        ).read_text()
    )
    for rel, digest in list(prov["raw_files"].items())[:3]:
        assert file_sha256(shared_data / rel) == digest, rel
