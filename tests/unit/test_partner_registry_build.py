"""The generated partner records and the Section 301 lists are what their scripts build."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import yaml

from tradewinds.measures.products import list_prefixes

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_reciprocal_file_is_what_the_script_writes(shared_data: Path):
    build = _script("build_partner_registry")
    doc, cited = build.build(shared_data)
    packaged = ROOT / "src/tradewinds/measures/data/registry/ieepa_reciprocal.yaml"
    assert yaml.safe_load(packaged.read_text()) == yaml.safe_load(
        yaml.safe_dump(doc, sort_keys=False)
    )
    known = yaml.safe_load((ROOT / "src/tradewinds/measures/data/sources.yaml").read_text())
    assert set(cited) <= set(known)  # every key the generated records cite has a URL


def test_section_301_lists_match_the_chapter_99_notes(shared_data: Path):
    defaults = _script("build_defaults")
    notes = (
        shared_data / "data/budgetlab_yale/tariff_rate_tracker/us_notes/chapter99_2026_rev_6.txt"
    )
    hts = pd.read_csv(ROOT / "src/tradewinds/measures/data/derived/hts.csv.gz", dtype=str)
    lists = defaults._s301_lists(notes, list(hts["code"]))
    for name in ("s301_cn_list1", "s301_cn_list3", "s301_cn_list4a", "s301_4yr_9903_91_03"):
        assert sorted(list_prefixes(name)) == lists[name]
    assert "61091000" in lists["s301_cn_list4a"]  # cotton T-shirts: List 4A, note 20(s)(i)
    assert "87036000" in lists["s301_4yr_9903_91_03"]  # electric vehicles: 100%, note 31(d)
    # a numbered product split between lists: 8517.62.00 on List 3 except .0090 (note 20(g))
    assert "8517620090" not in lists["s301_cn_list3"]
    assert any(c.startswith("85176200") for c in lists["s301_cn_list3"])
