"""The HS10 -> WIOD mapping of scripts/build_wiod2023.py, on small files in the shared layout."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_wiod2023.py"


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_wiod2023", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_wiod2023"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """A shared/data tree with the four files the mapping reads, a few lines each."""
    data = tmp_path / "data"
    conc = data / "concordances" / "insongkim_concordance"
    conc.mkdir(parents=True)
    pd.DataFrame(
        {
            "HS6_6d": ["870323", "271019", "010121"],
            "ISIC3_4d": ["3410", "2320", "0121"],
        }
    ).to_csv(conc / "hs6_isic3.csv", index=False)
    pd.DataFrame(
        {"ISIC3_4d": ["3410", "2320", "0121", "0121"], "WIOT2013_n": [15.0, 8.0, 1.0, 1.0]}
    ).to_csv(conc / "wiod_2013.csv", index=False)
    imports = data / "budgetlab_yale" / "tariff_model" / "us_imports_2024"
    imports.mkdir(parents=True)
    pd.DataFrame(
        {
            "hs10": ["8703230190", "2710191000", "0101210010", "9801001000", "8703230190"],
            "gtap_code": ["mvh", "p_c", "ctl", "omf", "mvh"],
            "cty_code": ["2010", "1220", "1220", "2010", "9999"],
            "imports": [600e6, 300e6, 50e6, 40e6, 10e6],
        }
    ).to_csv(imports / "us_imports_2024_hs10_country.csv.gz", index=False)
    census = data / "budgetlab_yale" / "tariff_etrs" / "resources"
    census.mkdir(parents=True)
    pd.DataFrame({"cty_code": ["1220", "2010"], "iso3": ["CAN", "MEX"]}).to_csv(
        census / "census_to_iso3.csv", index=False
    )
    return tmp_path


def test_hs10_maps_through_isic_to_wiod(build: ModuleType, shared: Path) -> None:
    codes = pd.Series(["8703230190", "2710191000", "0101210010", "9801001000"])
    assert build.wiod_of_hs10(shared, codes).tolist()[:3] == ["c15", "c8", "c1"]
    assert pd.isna(build.wiod_of_hs10(shared, codes).iloc[3])


def test_us_imports_by_region_and_industry_with_the_mapped_share(
    build: ModuleType, shared: Path
) -> None:
    table, report = build.us_imports(shared, ["CAN", "MEX", "USA", "ROW"])
    assert table.loc["MEX", "c15"] == pytest.approx(600.0)  # US$ millions
    assert table.loc["CAN", "c8"] == pytest.approx(300.0)
    assert table.loc["ROW", "c15"] == pytest.approx(10.0)  # a partner without ISO3 is ROW
    assert report["share_mapped_to_wiod"] == pytest.approx(960 / 1000)
    assert report["share_partner_without_iso3_sent_to_row"] == pytest.approx(10 / 1000)
    assert report["unmapped_by_hs2_usd"] == {"98": 40e6}
