"""Product renames: finding old names in card text, and showing the current name beside them.

Pure functions over `catalog.Rename`; `today` is always an argument.

Matching is case-sensitive and by whole words. Old names are found longest first, each
stretch of text belonging to one name: in "Vertex AI Pipelines" only that name is found,
not also the shorter "Vertex AI"; and "Amazon SageMaker AI" (a new name) is not a use of
the old "Amazon SageMaker". A new name counts wherever it stands outside an old name's
match, inside a longer new name included: "Azure Document Intelligence" also says
"Document Intelligence" (the new name of Form Recognizer), while "Vertex AI Model Garden"
does not say "Model Garden". All the exam's names take part in the matching, those renamed
after *today* included: a name is a name whatever its date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import TypeVar

from studyplan.catalog import Rename


def _words(names: Iterable[str]) -> re.Pattern[str] | None:
    return _compiled(frozenset(n for n in names if n))


@lru_cache(maxsize=256)
def _compiled(names: frozenset[str]) -> re.Pattern[str] | None:
    """One pattern per set of names, built once: a review queue asks for it per card side."""
    ordered = sorted(names, key=lambda n: (-len(n), n))
    if not ordered:
        return None
    # Lookarounds, not \b: a name may begin or end with a character that is not a letter.
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)")


def _pattern(renames: Sequence[Rename]) -> re.Pattern[str] | None:
    return _words(n for r in renames for n in (r.old, r.new))


def _old_matches(text: str, renames: Sequence[Rename]) -> list[re.Match[str]]:
    pattern = _pattern(renames)
    olds = {r.old for r in renames}
    return [m for m in pattern.finditer(text) if m.group(0) in olds] if pattern else []


def names_in(text: str, renames: Sequence[Rename]) -> set[str]:
    """The renamed products' names, old or new, that *text* uses (see the module docstring)."""
    matches = _old_matches(text, renames)
    found = {m.group(0) for m in matches}
    rest, start = [], 0
    for m in matches:  # blank out the old names so that a new name inside one does not count
        rest.append(text[start:m.start()])
        start = m.end()
    rest.append(text[start:])
    remaining = "\n".join(rest)
    for new in {r.new for r in renames}:
        pattern = _words([new])
        if pattern is not None and pattern.search(remaining):
            found.add(new)
    return found


def in_effect(renames: Iterable[Rename], today: date) -> list[Rename]:
    """The renames that have happened by *today* (on the rename date itself included)."""
    return [r for r in renames if r.date <= today]


def outdated(text: str, renames: Sequence[Rename], today: date) -> list[Rename]:
    """The renames in effect whose old name *text* uses without the new one."""
    found = names_in(text, renames)
    return [r for r in in_effect(renames, today) if r.old in found and r.new not in found]


def current_names(text: str, renames: Sequence[Rename], today: date) -> str:
    """*text* with an outdated old name shown as "NEW (OLD)" the first time and "NEW" after.

    Only names of renames in effect by *today* whose new name the text does not already
    use are changed; a learner sees the current name and still recognises the old one.
    """
    stale = {r.old: r.new for r in outdated(text, renames, today)}
    pattern = _pattern(renames)
    if not stale or pattern is None:
        return text
    shown: set[str] = set()

    def swap(match: re.Match[str]) -> str:
        name = match.group(0)
        if name not in stale:
            return name
        if name in shown:
            return stale[name]
        shown.add(name)
        return f"{stale[name]} ({name})"

    return pattern.sub(swap, text)


C = TypeVar("C")


def with_current_names(cards: Iterable[C], renames: Mapping[str, Sequence[Rename]], today: date) -> list[C]:
    """Copies of *cards* (dataclasses with exam, front and back) whose front and back each
    show current names (`current_names`), using the renames of the card's exam."""
    shown = []
    for card in cards:
        known = renames.get(card.exam, ())  # type: ignore[attr-defined]
        if known:
            card = replace(card, front=current_names(card.front, known, today),  # type: ignore[attr-defined,type-var]
                           back=current_names(card.back, known, today))  # type: ignore[attr-defined]
        shown.append(card)
    return shown
