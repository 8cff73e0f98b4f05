"""``tradewinds measures diff OLD NEW``: what changed between two editions of HTS Chapter 99.

Each side is either a Chapter 99 text (the USITC PDF converted to text, as
``budgetlab_yale/tariff_rate_tracker/us_notes/chapter99_2026_rev_6.txt``) or a parsed heading
table (CSV with ``ch99_code``, ``rate`` as a fraction, ``description`` and optionally
``countries``; the Budget Lab's ``chapter99_raw.csv``). Both are read into :class:`Heading`
records; the diff lists headings added, removed and changed (rate, text, countries) and, for
each, the registry records whose ``heading`` field names it (single headings and ranges such as
``9903.03.02-.11``), so a maintainer sees which records to revisit.

Reading the text is a heuristic: a heading starts at a line beginning with ``9903.xx.yy``; its
article description is the left column up to the next heading, its rate the first percentage of
the "General" column (``+ 25%``), and its countries the names after "the product of".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tradewinds.core.errors import ScenarioError
from tradewinds.measures.registry import Registry, load_registry

_HEADING = re.compile(r"^(9903\.\d{2}\.\d{2})\b\s*(?:\d/)?\s*(.*)$")
_REF = re.compile(r"9903\.(\d{2})\.(\d{2})(?:\s*[-\u2013]\s*(?:9903\.\d{2}\.|\.)?(\d{2}))?")
_COUNTRY = re.compile(r"(?:the )?products? of ((?:the )?[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)")
_PAGE = re.compile(
    r"Harmonized Tariff Schedule|Annotated for Statistical|^\s*XXII\s*$|99 - [IVX]+ -"
)


@dataclass(frozen=True)
class Heading:
    """One Chapter 99 heading: rate (fraction, None if no ad valorem rate), text, countries."""

    code: str
    rate: float | None
    text: str
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One heading added, removed or changed, with the registry records that name it."""

    code: str
    kind: str  # added | removed | changed
    fields: tuple[str, ...] = ()
    old: Heading | None = None
    new: Heading | None = None
    records: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        """One line for the terminal."""
        parts = []
        if "rate" in self.fields and self.old and self.new:
            parts.append(f"rate {_pct(self.old.rate)} -> {_pct(self.new.rate)}")
        if "countries" in self.fields and self.old and self.new:
            parts.append(f"countries {list(self.old.countries)} -> {list(self.new.countries)}")
        if "text" in self.fields:
            parts.append("text")
        if self.kind != "changed":
            h = self.new or self.old
            assert h is not None
            parts.append(f"{_pct(h.rate)}: {h.text[:70]}")
        return "; ".join(parts)


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.4g}" if rate > 10 else f"{100 * rate:g}%"


def _norm(text: str) -> str:
    text = re.sub(r"\.{3,}", " ", text)
    text = re.sub(r"\s+\d/\s*", " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _countries(text: str) -> tuple[str, ...]:
    names = {m.group(1).removeprefix("the ") for m in _COUNTRY.finditer(text)}
    return tuple(sorted(names))


def parse_text(text: str) -> dict[str, Heading]:
    """Headings of a Chapter 99 text (heuristic, see the module docstring)."""
    out: dict[str, Heading] = {}
    code: str | None = None
    left: list[str] = []
    right: list[str] = []

    def flush() -> None:
        if code is None:
            return
        desc = " ".join(left)
        general = " ".join(right)
        m = re.search(r"(\d+(?:\.\d+)?)\s*%", general)
        rate = float(m.group(1)) / 100 if m else None
        out.setdefault(code, Heading(code, rate, _norm(desc), _countries(desc)))

    for raw in text.splitlines():
        line = raw.replace("\x00", "").rstrip()
        hit = _HEADING.match(line)
        if hit:
            flush()
            code, rest = hit.group(1), hit.group(2)
            left, right = [], []
            line = rest
        elif code is None or _PAGE.search(line):
            continue
        elif re.match(r"^\s*\d+\.\s|^\s*U\.S\. Notes|^\s*SUBCHAPTER|^\s*Heading/", line):
            flush()
            code = None
            continue
        pieces = re.split(r"\s{8,}", line.strip(), maxsplit=1)
        if pieces and pieces[0]:
            if re.search(
                r"%|The duty|No change|Free|provided in|applicable|subheading", pieces[0]
            ) and (not left or raw.startswith(" " * 60)):
                right.append(pieces[0])
            else:
                left.append(pieces[0])
        if len(pieces) > 1:
            right.append(pieces[1])
    flush()
    return out


def parse_table(path: Path) -> dict[str, Heading]:
    """Headings of a parsed table (CSV with ``ch99_code``, ``rate``, ``description``)."""
    import pandas as pd

    table = pd.read_csv(path, dtype=str, encoding="utf-8-sig").fillna("")
    missing = [c for c in ("ch99_code", "rate", "description") if c not in table.columns]
    if missing:
        raise ScenarioError(
            f"Heading table {str(path)!r} lacks column(s) {missing}; it needs ch99_code, rate "
            "(a fraction) and description."
        )
    out = {}
    for row in table.itertuples(index=False):
        text = str(row.rate).strip()
        rate = float(text) if text else None
        desc = str(row.description)
        out[str(row.ch99_code)] = Heading(str(row.ch99_code), rate, _norm(desc), _countries(desc))
    return out


def read(path: Path) -> dict[str, Heading]:
    """Headings of ``path``: a CSV table or a Chapter 99 text."""
    from tradewinds.core.inputs import check_input_file

    check_input_file(path, "Chapter 99 file")
    if path.suffix.lower() == ".csv":
        return parse_table(path)
    text = path.read_bytes().decode("latin-1")
    headings = parse_text(text)
    if not headings:
        raise ScenarioError(
            f"No 9903.xx.yy heading found in {str(path)!r}: give a Chapter 99 text or a CSV "
            "with ch99_code, rate and description."
        )
    return headings


def heading_index(registry: Registry) -> dict[str, list[str]]:
    """Chapter 99 heading -> ids of the registry records whose ``heading`` names it."""
    index: dict[str, list[str]] = {}
    for m in registry.measures:
        for ref in _REF.finditer(m.heading or ""):
            group, first, last = ref.group(1), int(ref.group(2)), ref.group(3)
            for n in range(first, (int(last) if last else first) + 1):
                index.setdefault(f"9903.{group}.{n:02d}", []).append(m.id)
    return index


def diff(
    old: dict[str, Heading], new: dict[str, Heading], registry: Registry | None = None
) -> list[Change]:
    """Headings added, removed and changed from ``old`` to ``new``, with registry records."""
    index = heading_index(registry or load_registry())
    out = []
    for code in sorted(set(old) | set(new)):
        a, b = old.get(code), new.get(code)
        records = tuple(sorted(set(index.get(code, []))))
        if a is None:
            out.append(Change(code, "added", new=b, records=records))
        elif b is None:
            out.append(Change(code, "removed", old=a, records=records))
        else:
            fields = []
            if (a.rate is None) != (b.rate is None) or (
                a.rate is not None and b.rate is not None and abs(a.rate - b.rate) > 1e-9
            ):
                fields.append("rate")
            n = min(len(a.text), len(b.text), 200)
            if a.text[:n] != b.text[:n]:
                fields.append("text")
            if a.countries != b.countries:
                fields.append("countries")
            if fields:
                out.append(Change(code, "changed", tuple(fields), a, b, records))
    return out
