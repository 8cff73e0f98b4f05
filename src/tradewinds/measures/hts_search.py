"""HTS lines by code prefix or by words of their description (the duty calculator's search).

The description path of each line (its ancestors' texts joined by " › ") comes from the HTS
text table built by ``scripts/build_hts_text.py`` (``measures/data/hts_text.csv.gz``); only
codes the duty calculator knows (:func:`tradewinds.measures.products.hts_universe`) are found.

A word search is ranked for how people ask, not for how the tariff is worded:

- **Whole path.** A line has the words of every level above it: 4407.11.00 ("Of pine") is
  also "Wood sawn or chipped lengthwise ..." (its heading) and "Coniferous" (its subheading).
- **Plurals.** Words are compared after a small English plural stemmer (:func:`stem`):
  "vehicles" finds "vehicle", "batteries" finds "battery".
- **Trade terms.** :data:`SYNONYMS` maps the words analysts use to the tariff's own
  ("softwood" → "coniferous", "lumber" → "wood sawn", "cars" → "transport of persons").
- **Ranking.** A query word matched in the heading counts 1, one level down 1/2, two levels
  down 1/3 and so on, found again deeper a quarter of that more ("Avocados" under "Dates, figs,
  pineapples, avocados, ..."); a curated synonym counts 1.25 times (it says what the word means
  in trade: "trucks" are 8704, not 8427 works trucks), each further way a line matches the same
  word adds 0.1, and an unfinished last word ("lith", not a word of the tariff) counts half for
  each word it starts. Lines are ordered by the sum over the query's words, then by the length
  of their heading (shorter is more about what was asked). So the heading whose own text says
  what was asked wins: for "passenger motor vehicles", 8703 ("Motor cars and other motor
  vehicles principally designed for the transport of persons") outranks 8706 ("Chassis ... for
  the motor vehicles of headings 8701 to 8705", whose "passenger" is two levels down).
- **Exclusions.** Words after "other than", "except", "excluding" or "not" (but not "whether
  or not"), up to the next comma, semicolon, colon or parenthesis, are not indexed: 2710
  "Petroleum oils ..., other than crude" is not found for "crude oil", nor 4404 "... not sawn
  lengthwise" for "lumber".

Every query word (or a synonym of it) must be found somewhere on the path; a query that
matches nothing gives an empty list.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

#: Trade terms people search for → the HTS wording that means them. Keys and values are
#: phrases (matched on stems, so singular and plural both work); a query phrase matches its
#: own words too. Kept small and general: add a term when a realistic search fails.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "softwood": ("coniferous",),
    "hardwood": ("nonconiferous", "tropical wood"),
    "lumber": ("wood sawn",),
    "timber": ("wood sawn", "wood in the rough"),
    "car": ("motor cars", "vehicles principally designed for the transport of persons"),
    "automobile": ("motor cars", "vehicles principally designed for the transport of persons"),
    "passenger": ("transport of persons",),
    "passenger vehicle": (
        "motor cars",
        "vehicles principally designed for the transport of persons",
    ),
    "passenger motor vehicle": (
        "motor cars",
        "vehicles principally designed for the transport of persons",
    ),
    "passenger car": ("motor car", "transport of persons"),
    "truck": ("motor vehicles for the transport of goods",),
    "lorry": ("motor vehicles for the transport of goods",),
    "pickup": ("motor vehicles for the transport of goods",),
    "auto part": ("parts and accessories of the motor vehicles",),
    "crude oil": ("petroleum oils crude",),
    "crude": ("petroleum oils crude",),
    "gasoline": ("motor fuel",),
    "petrol": ("motor fuel",),
    "electricity": ("electrical energy",),
    "aluminium": ("aluminum",),
    "tyre": ("tire",),
    "fertiliser": ("fertilizer",),
    "phone": ("telephone",),
    "smartphone": ("telephones for cellular networks",),
    "cellphone": ("telephones for cellular networks",),
    "laptop": ("automatic data processing machines portable",),
    "computer": ("automatic data processing machines",),
    "chip": ("electronic integrated circuits",),
    "semiconductor": ("semiconductor devices", "electronic integrated circuits"),
    "solar panel": ("photovoltaic",),
    "beef": ("meat of bovine animals",),
    "pork": ("meat of swine",),
    "chicken": ("fowls of the species gallus domesticus",),
    "lng": ("natural gas liquefied",),
    "tshirt": ("t shirts",),
    "tee": ("t shirts",),
}

_STOPWORDS = frozenset(
    {"a", "an", "and", "or", "the", "of", "for", "to", "in", "on", "with", "by", "from"}
    | {"other", "not", "whether", "its", "their", "than"}
)
_EXCLUSION = re.compile(r"\b(?:other than|except|excluding|(?<!or )not)\b[^,;:()]*")
_WORD = re.compile(r"[a-z0-9]+")
_SYNONYM = 1.25  # a curated synonym says what the word means in trade: it outranks the word
_REPEAT = 0.25  # a word found again deeper on the path ("Avocados" under "..., avocados, ...")
_ANOTHER_WAY = 0.1  # a line that matches a query word in more ways (own word, synonyms) ranks up
_PREFIX = 0.5  # a query word that only starts a word of the line (typing in progress)


@functools.cache
def hts_text() -> pd.DataFrame:
    """HTS10 and HTS8 lines with the full description path (ancestors joined by " › ")."""
    from importlib import resources

    ref = resources.files("tradewinds.measures").joinpath("data/hts_text.csv.gz")
    with resources.as_file(ref) as path:
        raw = pd.read_csv(path, dtype={"code": str}, keep_default_na=False)
    stack: list[str] = []
    rows = []
    for code, indent, text in raw.itertuples(index=False):
        del stack[int(indent) :]
        stack.append(str(text).rstrip(":"))
        if len(code) in (8, 10):
            rows.append((code, " › ".join(stack)))
    return pd.DataFrame(rows, columns=["code", "description"]).drop_duplicates("code")


def stem(word: str) -> str:
    """A lower-case word without its English plural ending (batteries → battery, taxes → tax).

    Deliberately small: it only has to make a query's singular and plural meet the tariff's;
    both sides go through it, so an imperfect stem ("shoes" → "shoe", "glasses" → "glass")
    still matches itself.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stems(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]


@dataclass(frozen=True)
class _Index:
    """Lines of the search; per word stem, the lines whose path has it and its weight there."""

    codes: list[str]
    descriptions: list[str]
    mfn: list[str]
    order: npt.NDArray[np.int64]  # sort key of each line: shorter heading, HTS10, code
    postings: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]]

    def scores(self, word: str, weight: float = 1.0) -> npt.NDArray[np.float64]:
        """Each line's weight of ``word`` times ``weight`` (0 where the path lacks it)."""
        out = np.zeros(len(self.codes))
        rows, weights = self.postings.get(word, _NO_LINES)
        out[rows] = weight * weights
        return out


_NO_LINES = (np.zeros(0, dtype=np.int32), np.zeros(0))


@functools.cache
def _index() -> _Index:
    from tradewinds.measures.products import hts_universe

    table = hts_universe().table[["code", "mfn_text"]]
    table = table.merge(hts_text(), on="code", how="left").fillna({"description": ""})
    found: dict[str, dict[int, float]] = {}
    heading_words: list[int] = []
    level_stems: dict[str, set[str]] = {}  # a path level's text recurs for its many lines
    for row, description in enumerate(table["description"]):
        for depth, level in enumerate(str(description).split(" › ")):
            words = level_stems.get(level)
            if words is None:
                words = level_stems[level] = set(_stems(_EXCLUSION.sub(" ", level.lower())))
            if depth == 0:
                heading_words.append(len(words))
            for word in words:  # 1 in the heading, 1/2 a level down, ...; repeats count less
                lines = found.setdefault(word, {})
                weight = 1.0 / (1 + depth)  # levels come shallowest first
                lines[row] = lines[row] + _REPEAT * weight if row in lines else weight
    codes = [str(c) for c in table["code"]]
    keys = pd.DataFrame({"h": heading_words, "n": [-len(c) for c in codes], "c": codes})
    order = np.empty(len(codes), dtype=np.int64)
    order[keys.sort_values(["h", "n", "c"]).index.to_numpy()] = np.arange(len(codes))
    return _Index(
        codes=codes,
        descriptions=[str(d) for d in table["description"]],
        mfn=[str(m) for m in table["mfn_text"]],
        order=order,
        postings={  # compact arrays: about 5 MB, against 33 MB as dicts
            word: (np.fromiter(lines, np.int32, len(lines)), np.fromiter(lines.values(), float))
            for word, lines in found.items()
        },
    )


def _phrase_scores(index: _Index, words: list[str], weight: float) -> npt.NDArray[np.float64]:
    """Each line's score for a phrase: its weakest word's, 0 unless every word is on the path."""
    out: npt.NDArray[np.float64] = np.minimum.reduce([index.scores(w, weight) for w in words])
    return out


def _best(options: list[npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    """Each line's best score, plus :data:`_ANOTHER_WAY` for each other way it matched."""
    stack = np.vstack(options)
    best = stack.max(axis=0)
    ways = (stack > 0).sum(axis=0)
    return np.where(best > 0, best + _ANOTHER_WAY * (ways - 1), 0.0)


@functools.cache
def _synonyms() -> dict[tuple[str, ...], list[list[str]]]:
    return {tuple(_stems(k)): [_stems(v) for v in vs] for k, vs in SYNONYMS.items()}


def _concepts(words: list[str]) -> list[tuple[list[str], list[list[str]]]]:
    """Split query stems into concepts: (own words, synonym phrases), longest phrase first."""
    table = _synonyms()
    longest = max(len(k) for k in table)
    out: list[tuple[list[str], list[list[str]]]] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            key = tuple(words[i : i + size])
            if size == 1 or key in table:
                out.append((list(key), table.get(key, [])))
                i += size
                break
    return out


def _concept_scores(
    index: _Index, own: list[str], synonyms: list[list[str]], last: bool
) -> npt.NDArray[np.float64]:
    options = [_phrase_scores(index, own, 1.0)]
    options += [_phrase_scores(index, s, _SYNONYM) for s in synonyms]
    typing = last and len(own) == 1 and len(own[0]) >= 3 and own[0] not in index.postings
    if typing:  # an unfinished last word ("lith"): the best of the words it starts
        started = np.zeros(len(index.codes))
        for word, (rows, weights) in index.postings.items():
            if word.startswith(own[0]):
                np.maximum.at(started, rows, _PREFIX * weights)
        options.append(started)
    return _best(options)


def hts_search(query: str, limit: int = 20) -> list[dict[str, str]]:
    """HTS lines whose code starts with the digits of ``query`` or whose path has its words.

    Codes are matched on digits only (dots and spaces ignored), 10-digit lines before 8-digit
    ones. Otherwise each word of the query (or a synonym of it, :data:`SYNONYMS`; the last word
    may be unfinished) must be on the line's description path, and lines are ranked by where
    the words are found (see the module docstring). Only codes the duty calculator knows are
    returned; a query that matches nothing gives an empty list.
    """
    from tradewinds.measures.products import dotted

    text = query.strip()[:200]
    if not text:
        return []
    index = _index()
    digits = re.sub(r"[.\s]", "", text)
    if digits.isdigit():
        rows = sorted(
            (r for r, code in enumerate(index.codes) if code.startswith(digits)),
            key=lambda r: (-len(index.codes[r]), index.codes[r]),
        )
    else:
        concepts = _concepts(_stems(text)[:8])
        if not concepts:
            return []
        total = np.zeros(len(index.codes))
        matched = np.ones(len(index.codes), dtype=bool)
        for k, (own, synonyms) in enumerate(concepts):
            scores = _concept_scores(index, own, synonyms, last=k == len(concepts) - 1)
            total += scores
            matched &= scores > 0
        hits = np.flatnonzero(matched)
        # Best score first; ties: the shorter heading (more about what was asked), HTS10, code.
        rank = np.lexsort((index.order[hits], -np.round(total[hits], 9)))
        rows = [int(r) for r in hits[rank]]
    return [
        {"code": dotted(index.codes[r]), "description": index.descriptions[r], "mfn": index.mfn[r]}
        for r in rows[:limit]
    ]
