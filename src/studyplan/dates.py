"""Dates a learner types: ISO (2027-01-15) or with the month's name (15 Jan 2027, Jan 15 2027).

Numeric forms other than ISO are refused: 01/02/2027 is January 2 in one country and
February 1 in another, and a wrong exam date is worse than a second try.
"""

from __future__ import annotations

import re
from datetime import date

from studyplan.errors import StudyplanError

# Days studyplan plans for. Outside them date arithmetic (due dates, plan horizons) would
# overflow Python's calendar or plan for centuries; the fuzz tests found both.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FORMS = "YYYY-MM-DD or a date with the month's name, such as '15 Jan 2027'"
# Two defaults that differ in every field: a part missing from the text shows as a difference.
_PROBES = (date(2001, 2, 3), date(2002, 4, 5))


def _with_month_name(text: str) -> date:
    from datetime import datetime

    from dateutil import parser

    if not re.search(r"[A-Za-z]{3}", text) or re.search(r"\d{1,2}:\d{2}", text):
        raise ValueError(text)
    found = {parser.parse(text, default=datetime.combine(probe, datetime.min.time())) for probe in _PROBES}
    if len(found) != 1:
        raise ValueError(text)  # day, month or year left out
    parsed: datetime = found.pop()
    return parsed.date()


def parse_date(value: str | date, what: str) -> date:
    """A date in 2000-2099 from ISO text or text with the month's name, or StudyplanError
    naming the option and the bad value."""
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    try:
        parsed = date.fromisoformat(text) if ISO.match(text) else _with_month_name(text)
    except (ValueError, OverflowError):
        raise StudyplanError(f"{what}: {value!r} is not a date: write {FORMS}") from None
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise StudyplanError(f"{what}: {value!r} is outside the years studyplan plans for "
                             f"({FIRST_DAY.year}-{LAST_DAY.year})")
    return parsed
