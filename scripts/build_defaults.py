"""Build the bundled default baselines from ../shared/data into src/tradewinds/defaults.

Usage: ``python scripts/build_defaults.py [--shared PATH] [--only NAME]`` (NAME: regions,
measures, wiod2011). Rerunning it with the same inputs reproduces the files; each output gets a
provenance record (raw file hashes, command, date) in its attributes and in a JSON file beside
it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

import pandas as pd
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradewinds.data.baseline import aggregate  # noqa: E402
from tradewinds.data.loaders import file_sha256, load_liberation_day, save_baseline  # noqa: E402
from tradewinds.data.multisector_loaders import load_wiod2013  # noqa: E402

OUT = ROOT / "src" / "tradewinds" / "defaults"

#: Countries the default keeps on their own; the EU27 is a bloc and the rest is ROW.
KEEP = ("CAN", "MEX", "USA", "CHN", "JPN", "KOR", "IND", "BRA", "GBR")


def build_record(command: str, shared: Path, files: list[Path]) -> dict[str, object]:
    """The common part of every provenance record: command, date and raw-file hashes."""
    return {
        "built_by": command,
        "built_on": dt.date.today().isoformat(),
        "raw_files": {str(p.relative_to(shared)): file_sha256(p) for p in sorted(set(files))},
    }


def save_default(ds: xr.Dataset, name: str, provenance: dict[str, object]) -> None:
    """Write a bundled baseline and its provenance record, as attribute and as JSON beside it."""
    ds.attrs["provenance"] = json.dumps(provenance, sort_keys=True)
    save_baseline(ds, OUT / f"{name}.nc")
    (OUT / f"{name}.provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")


def eu27(folder: Path) -> list[str]:
    """The 27 EU members, from the replication package's ``ids.txt`` (1-based row ids)."""
    text = (folder / "ids.txt").read_text()
    match = re.search(r"id_EU\s*=\s*\[([^\]]*)\]", text)
    if match is None:
        raise SystemExit(f"no id_EU list in {folder / 'ids.txt'}")
    ids = [int(x) for x in match.group(1).split()]
    labels = pd.read_csv(folder / "country_labels.csv")
    members = labels.set_index("iso_code").loc[ids, "iso3"].str.upper().tolist()
    if len(members) != 27:
        raise SystemExit(f"expected 27 EU members, found {len(members)}")
    return sorted(members)


def build_regions(shared: Path, command: str) -> None:
    """The 11-region one-sector default from the 194-country BACI 2023 aggregate."""
    folder = shared / "data" / "liberation_day_ignatenko2025"
    full = load_liberation_day(folder)
    grouping = {c: c for c in KEEP} | dict.fromkeys(eu27(folder), "EU27")
    table = pd.DataFrame(sorted(grouping.items()), columns=["country", "region"])
    table.to_csv(OUT / "regions_ld2023.csv", index=False)
    regional = aggregate(full, table, rest="ROW")
    provenance = json.loads(regional.attrs["provenance"])
    provenance.update(build_record(command, shared, [p for p in folder.glob("*") if p.is_file()]))
    provenance["grouping_file"] = "regions_ld2023.csv"
    regional.attrs["source"] = "BACI 2023 via Ignatenko et al. (2025), 11 regions"
    save_default(regional, "ld2023_regions", provenance)
    print(f"wrote {OUT / 'ld2023_regions.nc'}: {regional.sizes['exporter']} regions")


MEASURES_OUT = ROOT / "src" / "tradewinds" / "measures" / "data" / "derived"

#: CP2015 tradable sectors (1-20) by ISIC Rev.3 2-digit division
#: (Caliendo and Parro 2015, table A1).
CP2015_ISIC2 = {
    **dict.fromkeys(["01", "02", "05"], 1),
    **dict.fromkeys(["10", "11", "12", "13", "14"], 2),
    **dict.fromkeys(["15", "16"], 3),
    **dict.fromkeys(["17", "18", "19"], 4),
    "20": 5,
    **dict.fromkeys(["21", "22"], 6),
    "23": 7,
    "24": 8,
    "25": 9,
    "26": 10,
    "27": 11,
    "28": 12,
    "29": 13,
    "30": 14,
    "31": 15,
    "32": 16,
    "33": 17,
    "34": 18,
    "35": 19,
    **dict.fromkeys(["36", "37"], 20),
}


def _hts_digits(code: str) -> str:
    return re.sub(r"\D", "", str(code))


def _mfn_table(hts_csv: Path) -> pd.DataFrame:
    """HTS10 lines of the 2025 basic edition with their parsed column-1 rate and USMCA flag.

    Rates sit on 8-digit (sometimes 6- or 10-digit) lines; statistical suffixes inherit the rate of
    the nearest preceding line whose code is a prefix of theirs.
    """
    from tradewinds.measures.mfn import parse_rate

    raw = pd.read_csv(hts_csv, dtype=str, encoding="utf-8-sig").fillna("")
    rows = []
    stack: list[tuple[str, str, str, str]] = []  # (digits, general, special, column 2) rated
    for number, general, special, col2, unit in raw[
        [
            "HTS Number",
            "General Rate of Duty",
            "Special Rate of Duty",
            "Column 2 Rate of Duty",
            "Unit of Quantity",
        ]
    ].itertuples(index=False):
        digits = _hts_digits(number)
        if not digits or digits.startswith(("99", "98")):
            continue
        stack = [s for s in stack if digits.startswith(s[0]) and s[0] != digits]
        if general:
            stack.append((digits, general, special, col2))
        if len(digits) == 10 or (len(digits) == 8 and general):
            rated = stack[-1] if stack else ("", "", "", "")
            rows.append((digits, rated[1], rated[2], rated[3], unit))
    table = pd.DataFrame(rows, columns=["code", "general", "special", "column2", "unit"])
    # column 1 general (``mfn_*``) and column 2 (``col2_*``, general note 3(b) countries)
    for prefix, column in (("mfn", "general"), ("col2", "column2")):
        parsed = [parse_rate(g) for g in table[column]]
        table[f"{prefix}_kind"] = [r.kind for r in parsed]
        table[f"{prefix}_ad_valorem"] = [r.ad_valorem for r in parsed]
        table[f"{prefix}_specific"] = [r.specific for r in parsed]
        table[f"{prefix}_unit"] = [r.unit or "" for r in parsed]
    # USMCA: program code S or S+ in the special column means free for originating goods.
    table["usmca_free"] = table["special"].str.contains(r"[(,\s]S\+?[,)]", regex=True)
    table["unit"] = table["unit"].str.replace(r'[\[\]"]', "", regex=True)
    table = table.rename(columns={"general": "mfn_text", "column2": "col2_text"})
    return table.drop(columns="special")


#: Census country codes that the Budget Lab's ``census_to_iso3.csv`` leaves out, with their ISO
#: 3166 alpha-3 code (Kosovo: the user-assigned XKX, as the World Bank and the EU use it). The West
#: Bank (5083) and the Gaza Strip (5082) are reported by Census apart and are joined as PSE.
CENSUS_EXTRA = {
    "7660": "COD", "4091": "FRO", "5660": "MAC", "2482": "VGB", "7904": "REU", "4272": "MCO",
    "2440": "CYM", "4803": "XKX", "6412": "NCL", "6414": "PYF", "1010": "GRL", "4751": "SMR",
    "3720": "FLK", "2777": "CUW", "6810": "MHL", "7580": "SHN", "5083": "PSE", "2485": "MSR",
    "2430": "TCA", "6144": "NIU", "2774": "SXM", "6862": "NRU", "6820": "FSM", "2831": "GLP",
    "3170": "GUF", "7881": "MYT", "6024": "CXR", "6830": "PLW", "2839": "MTQ", "2481": "AIA",
    "7323": "SSD", "6023": "CCK", "7810": "IOT", "6142": "COK", "4720": "GIB", "6227": "TUV",
    "4752": "VAT", "6022": "NFK", "5082": "PSE", "4031": "SJM", "7905": "ATF", "6413": "WLF",
    "6029": "HMD", "6143": "TKL", "6225": "PCN", "1610": "SPM",
}  # fmt: skip

_NOTE33 = "33. (a)  Except as provided for in headings 9903.94.02"
_CODE = r"(?<![\d.])(\d{4}(?:\.\d{2}(?:\.\d{2}(?:\d{2})?)?)?)(?![\d.])"


def _code_lines(block: str) -> list[str]:
    """HTS numbers of the list lines of a note (lines holding nothing but numbers)."""
    out: list[str] = []
    for line in block.splitlines():
        if line.strip() and re.fullmatch(r"[\d.;\s]+", line):
            out += [_hts_digits(c) for c in re.findall(_CODE, line)]
    return out


def _auto_parts(notes: Path) -> tuple[list[str], list[str]]:
    """Automobile parts of U.S. note 33 to subchapter III of chapter 99 (2026 Rev. 6 text).

    Subdivision (g) names the HTS provisions whose *parts of passenger vehicles and light trucks*
    pay heading 9903.94.05; subdivision (h)(ii) sends articles of those provisions that are not
    such parts to 9903.94.06 (no duty). A provision of (g) given at 8 or 10 digits is kept. A
    bare heading or 6-digit subheading of (g) is replaced by the statistical reporting numbers
    that the published parts list of subdivision (j) names under it; a provision under which (j)
    names none (heading 8471, subheadings 8537.10 and 8537.20) is left out, because listing it
    whole would sweep in every article of the heading (computers, switchboards). Returns the list
    and the provisions left out.
    """
    text = notes.read_text(encoding="latin-1")
    start = text.index(_NOTE33)
    g0 = text.index("(g) Subject to a manufacturer's import adjustment offset", start)
    g1 = text.index("(h) Heading 9903.94.06 applies", g0)
    j0 = text.index("(j) Heading 9903.94.32 sets forth", g1)
    j1 = text.index("Any automotive part, except those eligible", j0)
    listed = _code_lines(text[g0:g1])
    published = sorted(set(re.findall(_CODE, text[j0:j1].replace(";", " "))))
    published = [_hts_digits(c) for c in published]
    parts: list[str] = []
    dropped: list[str] = []
    for code in listed:
        if len(code) >= 8:
            parts.append(code)
            continue
        under = [c for c in published if c.startswith(code)]
        if under:
            parts += under
        else:
            dropped.append(code)
    return sorted(set(parts)), dropped


def _s122_lists(notes: Path) -> dict[str, list[str]]:
    """The three lists of U.S. note 2(aa) to subchapter III of chapter 99, split by their rule.

    ``s122_exempt``: list (ii), every article of the subheadings, plus chapter 88 and heading
    8411 of list (iv) (aircraft, their engines and turbines: civil use is the rule).
    ``s122_exempt_named``: list (iii), particular named articles within a subheading (etrogs,
    articles for religious purposes ...), exempt only when the shipment declares the article.
    ``s122_exempt_civil_aircraft``: the rest of list (iv) (seats, lamps, rubber and plastic
    articles ...), exempt only when declared as civil-aircraft articles meeting general note 6.
    """
    text = notes.read_text(encoding="latin-1")
    ii = text.index("(ii) As provided in heading 9903.03.03")
    iii = text.index("(iii) As provided in heading 9903.03.04", ii)
    iv = text.index("(iv) As provided in heading 9903.03.05", iii)
    v = text.index("(v) As provided in heading 9903.03.06", iv)

    def codes(block: str) -> list[str]:
        found = re.findall(r"\b(\d{4}\.\d{2}(?:\.\d{2}(?:\.\d{2})?)?)\b", block)
        return sorted({_hts_digits(c) for c in found if not c.startswith(("98", "99"))})

    aircraft = codes(text[iv:v])
    default = [c for c in aircraft if c.startswith(("88", "8411"))]
    return {
        "s122_exempt": sorted(set(codes(text[ii:iii])) | set(default)),
        "s122_exempt_named": codes(text[iii:iv]),
        "s122_exempt_civil_aircraft": [c for c in aircraft if c not in default],
    }


def _items(block: str) -> tuple[list[str], list[str]]:
    """Codes of the numbered product items of a note block: (provisions, excepted codes).

    An item reads "1. <description>, provided for in [subheading] 8517.62.00, except for such
    machines provided for in statistical reporting number(s) 8517.62.0090 ...": the provision is
    listed, the excepted statistical reporting numbers go to the exclusion list.
    """
    include: list[str] = []
    exclude: list[str] = []
    for item in re.split(r"\n\s*\d+\.\s", "\n" + block)[1:]:
        flat = re.sub(r"\.(?=\s|$)", " ", " ".join(item.split()))  # a sentence's full stop
        head, _, rest = flat.partition("except")
        include += [_hts_digits(c) for c in re.findall(_CODE, head) if len(_hts_digits(c)) >= 8]
        exclude += [_hts_digits(c) for c in re.findall(_CODE, rest) if len(_hts_digits(c)) >= 8]
    return include, exclude


def _expand(include: list[str], exclude: list[str], universe: list[str]) -> list[str]:
    """The HTS10 codes of ``universe`` under ``include`` and not under ``exclude``."""
    return [
        c
        for c in universe
        if len(c) == 10 and c.startswith(tuple(include)) and not c.startswith(tuple(exclude))
    ]


def _s301_lists(notes: Path, universe: list[str]) -> dict[str, list[str]]:
    """Section 301 China product lists from U.S. notes 20 and 31 to subchapter III of chapter 99.

    Note 20 (2026 Rev. 6): subdivision (b) lists the 8-digit subheadings of heading 9903.88.01
    (List 1), (d) of 9903.88.02 (List 2), (f) of 9903.88.03 and the numbered products of (g) of
    9903.88.04 (List 3), (s)(i) and the numbered products of (s)(ii) of 9903.88.15 (List 4A).
    A numbered product ("provided for in X, except ... Y") is listed as the HTS10 codes of the
    universe under X but not under Y, so the lists stay disjoint where a subheading is split.
    Note 31 (the 2024 four-year review increases): subdivision (b) to (j), one list per heading
    9903.91.01-.08 and .11 (``s301_4yr_9903_91_0N``). Product exclusions (9903.88.69/.70) are
    not extracted: they name particular articles within a subheading (see docs/measures.md).
    """
    text = notes.read_text(encoding="latin-1")
    start = text.index("20. (a)  For the purposes of heading 9903.88.01")
    end = text.index("21. (a) For purposes of subheading 9903.19.23", start)
    n20 = text[start:end]

    def cut(a: str, b: str, src: str) -> str:
        i = src.index(a)
        return src[i : src.index(b, i)]

    out: dict[str, list[str]] = {}
    out["s301_cn_list1"] = _code_lines(cut("(b) Heading 9903.88.01 applies", "\n(c) For", n20))
    out["s301_cn_list2"] = _code_lines(cut("(d) Heading 9903.88.02 applies", "\n(e) For", n20))
    list3 = _code_lines(cut("(f) Heading 9903.88.03 applies", "\n(g) For", n20))
    inc3, exc3 = _items(cut("(g) For the purposes of heading 9903.88.04", "\n(h) The U.S.", n20))
    out["s301_cn_list3"] = list3 + _expand(inc3, exc3, universe)
    s = cut("(s) Heading 9903.88.15 applies", "\n(t) For", n20)
    ii = s.index("(ii) the following products of China")
    inc4, exc4 = _items(s[ii:])
    out["s301_cn_list4a"] = _code_lines(s[:ii]) + _expand(inc4, exc4, universe)
    n31 = cut("31. (a)  As provided in headings 9903.91.01", "32. Action Applicable", text)
    marks = [
        ("(b) Heading 9903.91.01", "(c) Heading 9903.91.02", "01"),
        ("(c) Heading 9903.91.02", "(d) Heading 9903.91.03", "02"),
        ("(d) Heading 9903.91.03", "(e) Heading 9903.91.04", "03"),
        ("(e) Heading 9903.91.04", "(f)", "04"),
        (
            "(i) Heading 9903.91.05",
            "(ii) The additional rate of duty under heading 9903.91.05",
            "05",
        ),
        ("(g) Heading 9903.91.06", "(h) Heading 9903.91.07", "06"),
        ("(h) Heading 9903.91.07", "(i) Heading 9903.91.08", "07"),
        ("(i) Heading 9903.91.08", "(j) Heading 9903.91.11", "08"),
        ("(j) Heading 9903.91.11", "(k)", "11"),
    ]
    for a, b, head in marks:
        block = cut(a, b, n31)
        found = re.findall(_CODE, block.split("\n", 1)[1] if head not in ("04", "08") else block)
        codes = sorted({_hts_digits(c) for c in found if len(_hts_digits(c)) >= 8})
        out[f"s301_4yr_9903_91_{head}"] = [c for c in codes if not c.startswith("99")]
    return {k: sorted(set(v)) for k, v in out.items()}


def _between(text: str, a: str, b: str, start: int = 0) -> str:
    """The text from the first ``a`` at or after ``start`` up to the next ``b``."""
    i = text.index(a, start)
    return text[i : text.index(b, i)]


def _provisions(block: str) -> list[str]:
    """HTS provisions (8 or 10 digits) named in a note block, chapters 98 and 99 left out."""
    found = {_hts_digits(c) for c in re.findall(_CODE, block) if len(_hts_digits(c)) >= 8}
    return sorted(c for c in found if not c.startswith(("98", "99")))


def _civil_aircraft(block: str) -> dict[str, list[str]]:
    """A civil-aircraft list, split as the Section 122 list of note 2(aa)(iv) is.

    Chapter 88 and heading 8411 (civil use is the rule: out of scope by default), and the rest
    (out of scope only when declared).
    """
    codes = _provisions(block)
    default = [c for c in codes if c.startswith(("88", "8411"))]
    return {"": default, "_declared": [c for c in codes if c not in default]}


def _brazil_lists(notes: Path, annex_table: Path) -> dict[str, list[str]]:
    """Products excepted from the IEEPA Brazil duty (heading 9903.01.77, U.S. note 2(x)).

    Subdivision (x)(iii)(a) lists the provisions of heading 9903.01.81 (EO 14323 Annex I as
    amended on 2025-11-20); (x)(iii)(b) the particular articles of heading 9903.01.90 (exempt only
    when declared); (x)(iv) the civil-aircraft provisions of heading 9903.01.82. The HTS text gives
    the list as amended, without dates: the Budget Lab's table of country EO annexes
    (``country_eo_exempt_products.csv``) dates each provision of (iii)(a) to the original Annex I
    (2025-08-06) or the agricultural additions (2025-11-13); a provision of the note the table
    does not date is counted with the additions (the later date, the smaller exemption).
    """
    text = notes.read_text(encoding="latin-1")
    x0 = text.index("heading 9903.01.77 imposes an additional ad valorem rate of duty on imports")
    annex = _provisions(
        _between(text, "(a) As provided in heading 9903.01.81", "(b) As provided", x0)
    )
    named = _between(text, "(b) As provided in heading 9903.01.90", "(iv) As provided", x0)
    aircraft = _between(text, "(iv) As provided in heading 9903.01.82", "(v) The additional", x0)
    table = pd.read_csv(annex_table, dtype=str, comment="#")
    table = table[table["ch99_code"] == "9903.01.77"]
    original = {
        _hts_digits(c) for c in table.loc[table["effective_date_start"] == "2025-08-06", "hts10"]
    }
    out = {
        "ieepa_br_annex1": [c for c in annex if c in original],
        "ieepa_br_annex1_2025_11": [c for c in annex if c not in original],
        "ieepa_br_named_2025_11": _provisions(named),
    }
    for suffix, codes in _civil_aircraft(aircraft).items():
        out[f"ieepa_br_civil_aircraft{suffix}"] = codes
    missing = sorted(original - set(annex) - set(_provisions(aircraft)))
    if missing:
        print(
            f"Brazil: {len(missing)} dated provisions not in note 2(x)(iii)(a) or (iv): {missing}"
        )
    return out


def _partner_aircraft(notes: Path) -> dict[str, list[str]]:
    """Civil-aircraft provisions exempt from the reciprocal and 2026 metals duties by partner.

    EU: U.S. note 2(v)(xxii) (heading 9903.02.76); Korea: 2(v)(xxiv)(b) (9903.02.81);
    Switzerland and Liechtenstein: 2(v)(xxv)(c) (9903.02.85, .90); United Kingdom and Japan:
    U.S. note 35(a) and (b) (9903.96.01, .02). Each split as :func:`_civil_aircraft`.
    """
    text = notes.read_text(encoding="latin-1")
    blocks = {
        "eu": _between(text, "(xxii)  As provided in heading 9903.02.76", "(xxiii) As provided"),
        "kor": _between(text, "(b) As provided in heading 9903.02.81", "(xxv)"),
        "che_lie": _between(
            text, "(c) As provided in headings 9903.02.85 and 9903.02.90", "(d) As provided"
        ),
        "gbr": _between(text, "(a) As provided in heading 9903.96.01", "(b) As provided"),
        "jpn": _between(text, "(b) As provided in heading 9903.96.02", "(c)"),
    }
    out: dict[str, list[str]] = {}
    for partner, block in blocks.items():
        for suffix, codes in _civil_aircraft(block).items():
            out[f"civil_aircraft_{partner}{suffix}"] = codes
    return out


def _s301_exclusions(notes: Path) -> dict[str, list[str]]:
    """Section 301 product exclusions of U.S. note 20(vvv) and (www), per list they relieve.

    Headings 9903.88.69 (note 20(vvv)) and 9903.88.70 (note 20(www)).

    An item that is a bare statistical reporting number excludes the whole line
    (``s301_cn_excl_<list>``); an item that names particular products "described in statistical
    reporting number X" excludes them only when the shipment declares the named article
    (``s301_cn_excl_<list>_named``). Where an item names the numbers of several dates, every
    number is listed (the universe holds the codes of one date, so the others match nothing).
    """
    text = notes.read_text(encoding="latin-1")
    start = text.index("(vvv)  (i) The U.S. Trade Representative determined")
    end = text.index("\n21. ", start)
    note = text[start:end]
    marks = [
        ("list1", "(vvv)  (i) The U.S. Trade", "(ii) The U.S. Trade"),
        ("list2", "(ii) The U.S. Trade", "(iii) The U.S. Trade"),
        ("list3", "(iii) The U.S. Trade", "(iv) The U.S. Trade"),
        ("list4a", "(iv) The U.S. Trade", "(www) The U.S. Trade"),
        ("list2_www", "(www) The U.S. Trade", "\n(xxx)"),
    ]
    out: dict[str, list[str]] = {}
    for name, a, b in marks:
        block = _between(note + "\n(xxx)", a, b)
        whole: set[str] = set()
        named: set[str] = set()
        for item in re.split(r"\n\s*\(\d+\)\s", "\n" + block.split("\n", 1)[1])[1:]:
            flat = " ".join(item.split())
            codes = [_hts_digits(c) for c in re.findall(_CODE, flat)]
            codes = [c for c in codes if len(c) == 10]
            if re.fullmatch(r"[\d.\s]+", flat.split("Harmonized Tariff")[0].strip()):
                whole.update(codes)
            else:
                named.update(codes)
        key = "list2" if name == "list2_www" else name
        out.setdefault(f"s301_cn_excl_{key}", []).extend(sorted(whole))
        out.setdefault(f"s301_cn_excl_{key}_named", []).extend(sorted(named))
    return {k: sorted(set(v)) for k, v in out.items()}


def _russia_lists(notes: Path) -> dict[str, list[str]]:
    """Products of Russia at 35% and 70% in lieu of the column 2 rate.

    Heading 9903.90.08 (U.S. note 30(b)) and 9903.90.09 (note 30(d)).
    """
    text = notes.read_text(encoding="latin-1")
    b = _between(
        text, "(b) Heading 9903.90.08 applies", "(c) For the purposes of heading 9903.90.09"
    )
    d = _between(text, "(d) Heading 9903.90.09 applies", "\n31. ")
    # the text has a comma for a dot once ("7217,10.90")
    return {
        "ru_column2_35": _provisions(b.replace(",", ".")),
        "ru_column2_70": _provisions(d.replace(",", ".")),
    }


def _metal_annexes(notes: Path, universe: list[str]) -> dict[str, list[str]]:
    """The April-2026 Section 232 metal annexes as disjoint lists of HTS codes of the universe.

    U.S. note 16(c) to subchapter III of chapter 99 (2026 Rev. 6) lists the provisions of
    headings 9903.82.02-.19 in ten subdivisions: (i)-(v) articles of aluminium, steel and copper
    and their close derivatives (Annex I-A, 50%), (vi)-(viii) derivatives and insulated copper
    wire (Annex I-B, 25%), (ix)-(x) metal-intensive equipment (Annex III, 15% floor). The lists
    are printed in interleaved columns, so only the annex boundaries are used: (c) to (vi), (vi)
    to (ix), (ix) to (d). Each code of the universe takes the annex of its longest matching
    provision, and a code is listed only if no code under it falls in another annex (or none),
    so the lists are disjoint as prefix sets.
    """
    text = notes.read_text(encoding="latin-1")
    start = text.index("16. (a)  Except as provided in headings 9903.85.67")
    c = text.index("(c) Headings 9903.82.02", start)
    vi = text.index("(vi) Derivative aluminum articles:", c)
    ix = text.index("(ix) Derivative aluminum articles:", vi)
    d = text.index("(d) Headings 9903.82.04 and 9903.82.05", ix)

    def provisions(block: str) -> set[str]:
        found = re.findall(_CODE, block)
        return {_hts_digits(x) for x in found if not x.startswith("99") and not x.startswith("20")}

    prefixes = sorted(
        [(p, "1a") for p in provisions(text[c:vi])]
        + [(p, "1b") for p in provisions(text[vi:ix])]
        + [(p, "3") for p in provisions(text[ix:d])],
        key=lambda r: -len(r[0]),
    )
    annex_of: dict[str, str] = {}
    for code in universe:
        for prefix, annex in prefixes:
            if code.startswith(prefix):
                annex_of[code] = annex
                break
    codes = sorted(universe)
    out: dict[str, list[str]] = {"1a": [], "1b": [], "3": []}
    for k, code in enumerate(codes):
        if code not in annex_of:
            continue
        # list entries are prefixes: keep an 8-digit code only if no code under it has another
        # annex (or none), else its 10-digit codes stand for it
        below = []
        for other in codes[k + 1 :]:
            if not other.startswith(code):
                break
            below.append(annex_of.get(other))
        if all(a == annex_of[code] for a in below):
            out[annex_of[code]].append(code)
    return {f"s232_2026_annex_{k}": v for k, v in out.items()}


def build_measures(shared: Path, command: str) -> None:
    """Derive the measures package data: product lists, HTS/MFN table, import weights, sectors."""
    by = shared / "data" / "budgetlab_yale"
    tracker = by / "tariff_rate_tracker" / "resources"
    etrs = by / "tariff_etrs" / "resources"
    conc = shared / "data" / "concordances" / "insongkim_concordance"
    used: list[Path] = []

    def src(path: Path) -> Path:
        used.append(path)
        return path

    MEASURES_OUT.mkdir(parents=True, exist_ok=True)
    lists: list[tuple[str, str]] = []
    deriv = pd.read_csv(src(tracker / "s232_derivative_products.csv"), dtype=str).fillna("")
    for metal in ("steel", "aluminum"):
        part = deriv[deriv["derivative_type"] == metal]
        for suffix, sel in (
            ("", part["effective_date"] == ""),
            ("_2025_08", part["effective_date"] == "2025-08-18"),
        ):
            lists += [(f"s232_{metal}_derivatives{suffix}", h) for h in part.loc[sel, "hts_prefix"]]
    copper = pd.read_csv(src(tracker / "s232_copper_products.csv"), dtype=str)
    lists += [("s232_copper", h) for h in copper["hts10"]]
    notes = src(by / "tariff_rate_tracker" / "us_notes" / "chapter99_2026_rev_6.txt")
    parts, dropped = _auto_parts(notes)
    print(f"auto parts: {len(parts)} codes; whole provisions left out: {dropped}")
    lists += [("s232_auto_parts", c) for c in parts]
    codes = src(tracker / "s232_mhd_parts.txt").read_text().split()
    lists += [("s232_mhdv_parts", c) for c in codes]
    semis = pd.read_csv(src(tracker / "s232_semi_products.csv"), dtype=str)
    lists += [("s232_semiconductors", c) for c in semis["hts10"]]
    carve = pd.read_csv(src(tracker / "fentanyl_carveout_products.csv"), dtype=str)
    for category, name in (
        ("energy_ca", "ieepa_energy_ca"),
        ("potash_ca", "ieepa_potash_ca"),
        ("potash_mx", "ieepa_potash_mx"),
    ):
        lists += [(name, h) for h in carve.loc[carve["category"] == category, "hts8"]]
    for name, codes in _s122_lists(notes).items():
        lists += [(name, c) for c in codes]
    # Products excepted from the IEEPA reciprocal duty (EO 14257 Annex II as amended, heading
    # 9903.01.32): the Budget Lab's product table, one list for the whole period.
    annex2 = pd.read_csv(src(tracker / "ieepa_exempt_products.csv"), dtype=str)
    lists += [("ieepa_recip_annex2", c) for c in annex2["hts10"]]

    # HTS universe and MFN rates: 2025 basic edition, plus HTS10 codes from later revisions.
    mfn = _mfn_table(src(etrs / "hts_2025_basic_edition.csv"))
    later = pd.read_csv(
        src(by / "tariff_rate_tracker" / "processed_2026-02-23" / "products_raw.csv"),
        dtype=str,
        encoding="utf-8-sig",
    )
    extra = sorted(set(later["hts10"]) - set(mfn["code"]))
    mfn["edition"] = "2025 basic"
    add = pd.DataFrame({"code": extra, "edition": "2025 rev 32"})
    hts = pd.concat([mfn, add], ignore_index=True).sort_values("code").reset_index(drop=True)

    for name, codes in {
        **_brazil_lists(notes, src(tracker / "country_eo_exempt_products.csv")),
        **_partner_aircraft(notes),
        **_s301_exclusions(notes),
        **_russia_lists(notes),
    }.items():
        print(f"{name}: {len(codes)} codes")
        lists += [(name, c) for c in codes]
    for name, codes in _s301_lists(notes, list(hts["code"])).items():
        print(f"{name}: {len(codes)} codes")
        lists += [(name, c) for c in codes]
    annexes = _metal_annexes(notes, list(hts["code"]))
    for name, codes in annexes.items():
        lists += [(name, c) for c in codes]
    frame = pd.DataFrame(lists, columns=["list", "hts_prefix"]).drop_duplicates()
    frame = frame.sort_values(["list", "hts_prefix"])
    frame.to_csv(MEASURES_OUT / "product_lists.csv", index=False)
    hts.to_csv(MEASURES_OUT / "hts.csv.gz", index=False, compression={"method": "gzip", "mtime": 0})

    # Import weights of every partner (Census country codes to ISO3), with USMCA claim shares
    # (Canada and Mexico; zero elsewhere) and metal-content shares.
    imports = pd.read_csv(
        src(by / "tariff_model" / "us_imports_2024" / "us_imports_2024_hs10_country.csv.gz"),
        dtype={"hs10": str, "cty_code": str},
    )
    iso = pd.read_csv(src(etrs / "census_to_iso3.csv"), dtype=str)
    census_iso3 = {**dict(zip(iso["cty_code"], iso["iso3"], strict=True)), **CENSUS_EXTRA}
    imports["country"] = imports["cty_code"].map(census_iso3)
    unmapped = imports.loc[imports["country"].isna(), "cty_code"].unique()
    if len(unmapped):
        raise SystemExit(f"Census country codes without an ISO3 code: {sorted(unmapped)}")
    weights = imports.groupby(["country", "hs10"], as_index=False)["imports"].sum()
    weights = weights.rename(columns={"hs10": "hts10"})
    for label, path in (
        ("usmca_2024", tracker / "usmca_product_shares_2024.csv"),
        ("usmca_2025", tracker / "usmca_product_shares_2025.csv"),
        ("usmca_2025h2", etrs / "usmca_product_shares_2025_h2avg.csv"),
    ):
        sh = pd.read_csv(src(path), dtype={"hts10": str, "cty_code": str})
        sh["country"] = sh["cty_code"].map({"1220": "CAN", "2010": "MEX"})
        sh = sh.rename(columns={"usmca_share": label})[["country", "hts10", label]]
        weights = weights.merge(sh, on=["country", "hts10"], how="left")
        weights[label] = weights[label].fillna(0).clip(0, 1).round(4)
    metal = pd.read_csv(src(tracker / "metal_content_shares_bea_hs10.csv"), dtype={"hs10": str})
    metal = metal.rename(
        columns={
            "hs10": "hts10",
            "steel_share": "steel",
            "aluminum_share": "aluminum",
            "copper_share": "copper",
        }
    )
    weights = weights.merge(metal[["hts10", "steel", "aluminum", "copper"]], on="hts10", how="left")
    for col in ("steel", "aluminum", "copper"):
        weights[col] = weights[col].fillna(0.0).round(4)
    weights = weights.sort_values(["country", "hts10"])
    weights.to_csv(
        MEASURES_OUT / "weights_2024.csv.gz",
        index=False,
        compression={"method": "gzip", "mtime": 0},
    )

    # Treasury's monthly customs duties and imports from 2024 (the collected-rate backtest).
    revenue = pd.read_csv(
        src(by / "tariff_model" / "resources" / "calibration" / "treasury_revenue.csv")
    )
    revenue = revenue[revenue["date"] >= "2024-01-01"][["date", "customs_duties", "imports_value"]]
    revenue.to_csv(MEASURES_OUT / "treasury.csv", index=False)

    # Sector concordances: HTS10 -> GTAP (Budget Lab), WIOD 35 and CP2015 via HS6 -> ISIC Rev.3.
    gtap = pd.read_csv(src(tracker / "hs10_gtap_crosswalk.csv"), dtype=str)[["hs10", "gtap_code"]]
    isic = pd.read_csv(src(conc / "hs6_isic3.csv"), dtype=str)
    wiod = pd.read_csv(src(conc / "wiod_2013.csv"), dtype=str).dropna(subset=["WIOT2013_n"])
    wiod["wiod"] = "c" + wiod["WIOT2013_n"].astype(float).astype(int).astype(str)
    hs6 = isic[["HS6_6d", "ISIC3_4d", "ISIC3_2d"]].merge(
        wiod[["ISIC3_4d", "wiod"]], on="ISIC3_4d", how="left"
    )
    hs6["cp2015"] = hs6["ISIC3_2d"].map(CP2015_ISIC2)
    hs6 = hs6.drop_duplicates("HS6_6d")
    codes = pd.DataFrame(
        {"hts10": sorted(set(hts.loc[hts["code"].str.len() == 10, "code"]) | set(weights["hts10"]))}
    )
    codes["hs6"] = codes["hts10"].str[:6]
    sectors = codes.merge(
        gtap.rename(columns={"hs10": "hts10", "gtap_code": "gtap"}), on="hts10", how="left"
    )
    sectors = sectors.merge(
        hs6.rename(columns={"HS6_6d": "hs6"})[["hs6", "wiod", "cp2015"]], on="hs6", how="left"
    )
    imp_gtap = (
        imports[imports["gtap_code"].notna()]
        .drop_duplicates("hs10")
        .set_index("hs10")["gtap_code"]
        .str.upper()
    )
    sectors["gtap"] = sectors["gtap"].fillna(sectors["hts10"].map(imp_gtap))
    sectors["cp2015"] = sectors["cp2015"].astype("Int64")
    sectors.to_csv(
        MEASURES_OUT / "sectors.csv.gz", index=False, compression={"method": "gzip", "mtime": 0}
    )

    provenance = {
        **build_record(command, shared, used),
        "function": "build_measures",
        "outputs": {
            p.name: file_sha256(p)
            for p in sorted(MEASURES_OUT.glob("*"))
            if p.name != "provenance.json"
        },
        "notes": "Derived, compact re-encodings; raw files are not copied. See docs/measures.md.",
    }
    (MEASURES_OUT / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(
        f"wrote {MEASURES_OUT}: {len(frame)} list entries, {len(hts)} HTS codes, "
        f"{len(weights)} weights"
    )


#: WIOD 2013-release industries: code (the sector label in tradewinds, as in the measures'
#: WIOD concordance), a short name, and the CP2015 sectors whose
#: trade elasticities apply (several: their trade-weighted mean; none: CP2015's 8.22, the value
#: the CP2015 data assign to every sector without an estimate of its own).
WIOD_SECTORS = (
    ("c1", "agriculture", ("Agriculture",)),
    ("c2", "mining", ("Mining",)),
    ("c3", "food", ("Food",)),
    ("c4", "textiles", ("Textile",)),
    ("c5", "leather_footwear", ("Textile",)),
    ("c6", "wood", ("Wood",)),
    ("c7", "paper_printing", ("Paper",)),
    ("c8", "petroleum", ("Petroleum",)),
    ("c9", "chemicals", ("Chemicals",)),
    ("c10", "rubber_plastics", ("Plastic",)),
    ("c11", "nonmetallic_minerals", ("Minerals",)),
    ("c12", "basic_fabricated_metals", ("Basic metals", "Metal products")),
    ("c13", "machinery", ("Machinery n.e.c",)),
    ("c14", "electrical_optical", ("Office", "Electrical", "Communication", "Medical")),
    ("c15", "transport_equipment", ("Auto", "Other Transport")),
    ("c16", "manufacturing_nec", ("Other",)),
    ("c17", "utilities", ()),
    ("c18", "construction", ()),
    ("c19", "motor_vehicle_trade", ()),
    ("c20", "wholesale_trade", ()),
    ("c21", "retail_trade", ()),
    ("c22", "hotels_restaurants", ()),
    ("c23", "inland_transport", ()),
    ("c24", "water_transport", ()),
    ("c25", "air_transport", ()),
    ("c26", "transport_services", ()),
    ("c27", "post_telecom", ()),
    ("c28", "finance", ()),
    ("c29", "real_estate", ()),
    ("c30", "business_services", ()),
    ("c31", "public_administration", ()),
    ("c32", "education", ()),
    ("c33", "health", ()),
    ("c34", "other_services", ()),
    ("c35", "private_households", ()),
)

#: CP2015's elasticity for sectors without their own estimate (all services in their data).
CP2015_DEFAULT_THETA = 8.22


def cp2015_thetas(shared: Path) -> pd.DataFrame:
    """CP2015 theta mapped to WIOD industries, with the weights used where sectors merge.

    Weights are each CP2015 sector's 1993 world international trade (off-diagonal flows of
    ``cp2015_nafta/csv/trade.csv``).
    """
    folder = shared / "data" / "cp2015_nafta" / "csv"
    theta = pd.read_csv(folder / "theta.csv").set_index("sector")["value"]
    trade = pd.read_csv(folder / "trade.csv")
    foreign = trade[trade["exporter"] != trade["importer"]]
    weight = foreign.groupby("sector")["value"].sum()
    rows = []
    for code, label, cp in WIOD_SECTORS:
        if cp:
            w = weight.reindex(list(cp)).to_numpy(dtype=float)
            value = float((theta.reindex(list(cp)).to_numpy() * w).sum() / w.sum())
            note = " + ".join(
                f"{s} ({t:g}, weight {x / w.sum():.3f})"
                for s, t, x in zip(cp, theta.reindex(list(cp)), w, strict=True)
            )
        else:
            value, note = CP2015_DEFAULT_THETA, "CP2015 value for sectors without an estimate"
        rows.append({"wiod_code": code, "name": label, "theta": round(value, 4), "cp2015": note})
    return pd.DataFrame(rows)


def build_wiod2011(shared: Path, command: str) -> None:
    """The 41-region x 35-industry multi-sector default from the WIOD 2013-release WIOT 2011."""
    folder = shared / "data" / "wiod2013_release_2011"
    thetas = cp2015_thetas(shared)
    thetas.to_csv(OUT / "wiod2011_sectors.csv", index=False)
    ds = load_wiod2013(folder, theta=dict(zip(thetas["wiod_code"], thetas["theta"], strict=True)))
    cp_csv = shared / "data" / "cp2015_nafta" / "csv"
    provenance = json.loads(ds.attrs["provenance"])
    provenance.update(
        build_record(
            command,
            shared,
            [p for p in folder.glob("*") if p.is_file()]
            + [cp_csv / "theta.csv", cp_csv / "trade.csv"],
        )
    )
    provenance.update(
        sector_file="wiod2011_sectors.csv",
        trade_elasticity="CP2015 sector estimates mapped to WIOD industries (wiod2011_sectors.csv)",
        final_demand="households + NPISH + government + GFCF + inventory changes; "
        "negative (origin, destination) totals set to zero",
        value_added="gross output (row sums, matching the trade flows) minus intermediate "
        "column sums, floored at zero",
    )
    save_default(ds, "wiod2011", provenance)
    print(f"wrote {OUT / 'wiod2011.nc'}: {ds.sizes['exporter']} regions x {ds.sizes['sector']}")


def main() -> None:
    """Build every bundled default."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument(
        "--only",
        choices=["regions", "measures", "wiod2011"],
        default=None,
        help="build one default only",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    command = "python scripts/build_defaults.py" + (f" --only {args.only}" if args.only else "")
    if args.only in (None, "regions"):
        build_regions(args.shared.resolve(), command)
    if args.only in (None, "measures"):
        build_measures(args.shared.resolve(), command)
    if args.only in (None, "wiod2011"):
        build_wiod2011(args.shared.resolve(), command)


if __name__ == "__main__":
    main()
