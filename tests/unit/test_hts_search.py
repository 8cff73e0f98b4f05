"""The duty calculator's HTS word search ranks what people mean first (issue 22).

Each query is one an analyst types; the expected heading (or one of the named headings, where
the tariff splits the good: seamless and welded pipes) must be among the first three lines.
The queries were chosen before tuning the weights and cover the ways a search fails: the
tariff's words differ (softwood lumber, cars, trucks, electricity, aluminium), the wanted words
are on a parent level only, a heading lists the good among others (avocados), a plural, and a
heading that excludes the good ("other than crude").
"""

from __future__ import annotations

import pytest

from tradewinds.measures.hts_search import SYNONYMS, hts_search, stem

QUERIES = [
    ("softwood lumber", {"4407"}),
    ("passenger motor vehicles", {"8703"}),
    ("passenger cars", {"8703"}),
    ("cars", {"8703"}),
    ("trucks", {"8704"}),
    ("steel pipes", {"7304", "7305", "7306"}),
    ("aluminium sheets", {"7606"}),
    ("crude oil", {"2709"}),
    ("electricity", {"2716"}),
    ("cotton t-shirts", {"6109"}),
    ("lithium batteries", {"8507", "8506"}),
    ("maple syrup", {"1702"}),
    ("avocados", {"0804"}),
    ("hardwood lumber", {"4407"}),
    ("auto parts", {"8708"}),
    ("smartphones", {"8517"}),
    ("laptops", {"8471"}),
    ("frozen shrimp", {"0306"}),
    ("solar panels", {"8541"}),
    ("natural gas", {"2711"}),
]


@pytest.mark.parametrize(("query", "headings"), QUERIES, ids=[q for q, _ in QUERIES])
def test_expected_heading_in_the_top_three(query: str, headings: set[str]) -> None:
    top = [h["code"].replace(".", "")[:4] for h in hts_search(query, 3)]
    assert top, f"{query!r} found nothing"
    assert headings & set(top), f"{query!r}: top three {top}, expected one of {headings}"


def test_softwood_lumber_is_coniferous_sawn_wood_first() -> None:
    first = hts_search("softwood lumber", 1)[0]
    assert first["code"].startswith("4407.1")  # 4407.11-4407.19 are the coniferous lines
    assert "Coniferous" in first["description"]


def test_cars_before_chassis_and_buses() -> None:
    """A previous attempt with synonyms only put 8706 (chassis) or 8702 (buses) first."""
    codes = [h["code"][:4] for h in hts_search("passenger motor vehicles", 20)]
    assert codes[0] == "8703"
    assert all(c == "8703" for c in codes[:10])


def test_excluded_goods_are_not_found_by_the_exclusion() -> None:
    """2710 is "Petroleum oils ..., other than crude": not a crude-oil line."""
    assert not any(h["code"].startswith("2710") for h in hts_search("crude oil", 20))


@pytest.mark.parametrize("query", ["xyzzy qqq", "of the", "   ", "!!!", "softwood xyzzy"])
def test_nothing_matched_is_an_empty_list(query: str) -> None:
    assert hts_search(query) == []


def test_codes_by_prefix_ten_digit_first() -> None:
    hits = hts_search("8703.23.01", 50)
    assert hits
    assert all(h["code"].startswith("8703.23.01") for h in hits)
    assert len(hits[0]["code"]) == len("8703.23.0110")


def test_an_unfinished_last_word_still_finds() -> None:
    assert any("Lithium" in h["description"] for h in hts_search("lithiu", 20))


@pytest.mark.parametrize(
    ("word", "expected"),
    [("batteries", "battery"), ("taxes", "tax"), ("vehicles", "vehicle"), ("glass", "glass")],
)
def test_plurals_meet_singulars(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_every_synonym_points_at_words_the_tariff_uses() -> None:
    """A synonym that matches no line would silently do nothing."""
    for term, meanings in SYNONYMS.items():
        for meaning in meanings:
            assert hts_search(meaning, 1), f"{term!r} → {meaning!r} matches no line"
