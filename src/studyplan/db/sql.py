"""Plain SQL that runs through either door: an ORM session's connection (any database
SQLAlchemy reaches, see `session_rows`) or SQLite's own driver (`db.fast`, which never
imports SQLAlchemy: a cold `today` is then mostly the interpreter's start).

Statements name their parameters `:name`. A list parameter is spread into
`(:name_0, :name_1, ...)`, an empty one into `(NULL)`, which matches nothing. Dates and
times bind as the text SQLAlchemy stores them in on SQLite and as themselves elsewhere;
`as_date` and `as_datetime` read them back from either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy.orm import Session

EPOCH = datetime(1970, 1, 1)
_EPOCH_ORDINAL = EPOCH.toordinal()
_MILLISECOND = timedelta(milliseconds=1)
_PARAM = re.compile(r"(?<![:\w]):(\w+)")
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's DateTime text on SQLite


def day_number(day: date) -> int:
    """*day* as the integer a DayNumber column stores (days since 1970-01-01)."""
    return day.toordinal() - _EPOCH_ORDINAL


def as_day(value: int | None) -> date | None:
    """A DayNumber column's integer as a date."""
    return None if value is None else date.fromordinal(value + _EPOCH_ORDINAL)


def epoch_millis(moment: datetime) -> int:
    """A naive datetime as an EpochMillis column stores it: whole milliseconds since 1970."""
    return (moment.replace(tzinfo=None) - EPOCH) // _MILLISECOND


def from_epoch_millis(value: int) -> datetime:
    """An EpochMillis column's integer as the datetime written."""
    return EPOCH + value * _MILLISECOND


def per_mille(value: float) -> int:
    """An E-Factor as a PerMille column stores it: whole thousandths."""
    return round(value * 1000)


def from_per_mille(value: int) -> float:
    """A PerMille column's integer as the E-Factor."""
    return value / 1000


class Rows(Protocol):
    """Runs one statement and returns its rows as tuples."""

    sqlite: bool

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]: ...


def scalar(db: Rows, sql: str, params: Mapping[str, Any] | None = None) -> Any:
    """The first column of the first row, None without a row."""
    found = db.rows(sql, params)
    return found[0][0] if found else None


def prepare(sql: str, params: Mapping[str, Any], sqlite: bool) -> tuple[str, dict[str, Any]]:
    """*sql* with list parameters spread out, and the parameters as the database binds them."""
    bound: dict[str, Any] = {}
    spread: dict[str, str] = {}
    for name, value in params.items():
        if isinstance(value, (list, tuple, set, frozenset)):
            names = [f"{name}_{i}" for i in range(len(value))]
            bound.update(zip(names, (_bind(v, sqlite) for v in value)))
            spread[name] = "(" + ", ".join(f":{n}" for n in names) + ")" if names else "(NULL)"
        else:
            bound[name] = _bind(value, sqlite)
    if spread:
        sql = _PARAM.sub(lambda m: spread.get(m.group(1), m.group(0)), sql)
    return sql, bound


def _bind(value: Any, sqlite: bool) -> Any:
    if not sqlite:
        return value
    if isinstance(value, datetime):
        return value.strftime(_SQLITE_DATETIME)
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_date(value: Any) -> date | None:
    """A Date column's value as read through either door (a date, or SQLite's ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    """A DateTime column's value as read through either door."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class SqliteRows:
    """Statements on a sqlite3 connection of our own (`db.fast`)."""

    sqlite = True

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        text, bound = prepare(sql, params or {}, True)
        return self.connection.execute(text, bound).fetchall()


class SessionRows:
    """Statements on an ORM session's connection, inside its transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        statement, bound = prepare(sql, params or {}, self.sqlite)
        return [tuple(row) for row in self.session.execute(text(statement), bound)]


def session_rows(session: Session) -> Rows:
    """The plain-SQL door onto *session*'s transaction."""
    return SessionRows(session)
