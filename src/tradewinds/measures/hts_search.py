"""HTS lines by code prefix or by words of their description (the duty calculator's search).

The description path of each line (its ancestors' texts joined by " › ") comes from the HTS
text table built by ``scripts/build_hts_text.py`` (``measures/data/hts_text.csv.gz``); only
codes the duty calculator knows (:func:`tradewinds.measures.products.hts_universe`) are found.
"""

from __future__ import annotations

import functools
import re

import pandas as pd


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


@functools.cache
def _search_table() -> pd.DataFrame:
    from tradewinds.measures.products import hts_universe

    table = hts_universe().table[["code", "mfn_text"]]
    table = table.merge(hts_text(), on="code", how="left").fillna({"description": ""})
    return table.assign(lower=table["description"].str.lower())


def hts_search(query: str, limit: int = 20) -> list[dict[str, str]]:
    """HTS lines whose code starts with the digits of ``query`` or whose text has its words.

    Codes are matched on digits only (dots and spaces ignored). Otherwise every word of the
    query (case-insensitive) must start a word of the line's description path; lines whose own
    text has more of the words come first. Only codes the duty calculator knows are returned,
    10-digit lines before 8-digit ones.
    """
    from tradewinds.measures.products import dotted

    text = query.strip()[:200]
    if not text:
        return []
    table = _search_table()
    digits = re.sub(r"[.\s]", "", text)
    if digits.isdigit():
        hits = table[table["code"].str.startswith(digits)].assign(_score=0)
    else:
        words = [w for w in re.split(r"\W+", text.lower()) if w][:8]
        patterns = [r"\b" + re.escape(w) for w in words]  # words starting with the query's
        hits = table
        for word in words:  # plain substring search first (fast), then word starts on the rest
            hits = hits[hits["lower"].str.contains(word, regex=False)]
        for pattern in patterns:
            hits = hits[hits["lower"].str.contains(pattern, regex=True)]
        # Lines whose own text (the last steps of the path) has the words rank first.
        own = hits["lower"].str.split(" › ").str[-2:].str.join(" › ")
        score = sum(own.str.contains(p, regex=True).astype(int) for p in patterns)
        hits = hits.assign(_score=score)
    hits = hits.assign(_len=hits["code"].str.len()).sort_values(
        ["_score", "_len", "code"], ascending=[False, False, True]
    )
    return [
        {"code": dotted(str(code)), "description": str(desc), "mfn": str(mfn)}
        for code, mfn, desc in hits[["code", "mfn_text", "description"]]
        .head(limit)
        .itertuples(index=False)
    ]
