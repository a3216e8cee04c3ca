"""A database password never leaves the process: every path that names a database in a
message renders it through `display_location` or masks it with `redact`.

Each case runs the real CLI with a password written in the database URL (in the userinfo
or as `?password=`) and checks that the password appears in neither stdout nor stderr,
and that the failure is one `Error:` line. The PostgreSQL cases run on the throw-away
server (tests/pgserver.py), whose local trust authentication ignores the password.
"""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner
from pgserver import pg_url  # noqa: F401  (fixture)
from sqlalchemy.exc import OperationalError

from studyplan.cli import cli
from studyplan.db import engine as engine_module
from studyplan.db.engine import describe_error, display_location, redact, translate_errors
from studyplan.errors import StudyplanError

SECRET = "s3cr3t-Pa55"


def invoke(db: str, *args: str, decks=None, learner: str | None = None, input: str | None = None):
    base = ["--db", db, "--today", "2026-12-01"]
    if decks is not None:
        base += ["--decks", str(decks)]
    if learner is not None:
        base += ["--learner", learner]
    return CliRunner().invoke(cli, base + list(args), input=input, catch_exceptions=False)


def assert_secret_kept(result, exit_code: int = 1) -> str:
    assert SECRET not in result.stdout and SECRET not in result.stderr, result.output
    assert result.exit_code == exit_code, result.output
    if exit_code == 0:
        return ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# ------------------------------------------------------------------ the renderer itself


@pytest.mark.parametrize(("location", "shown"), [
    (f"postgresql+psycopg://u:{SECRET}@db.example:5432/study", "postgresql+psycopg://u:***@db.example:5432/study"),
    (f"postgresql://u:{SECRET}@host:notaport/db", "postgresql://u:***@host:notaport/db"),
    (f"postgresql://u:{SECRET}@[::1/db", "postgresql://u:***@[::1/db"),
    (f"nosuchdialect://u:{SECRET}@h/db", "nosuchdialect://u:***@h/db"),
    (f"postgresql://u@h/db?sslmode=require&password={SECRET}", "postgresql://u@h/db?sslmode=require&password=***"),
    (f"postgresql://u:p@ss:{SECRET}@h/db", "postgresql://u:***@h/db"),  # an unencoded @ in the password
    (f"postgresql://u:{SECRET.replace('-', '%2D')}@h/db", "postgresql://u:***@h/db"),
    ("postgresql://u@h/db", "postgresql://u@h/db"),
])
def test_display_location_masks_every_password(location, shown):
    assert display_location(location) == shown


def test_redact_masks_the_locations_password_anywhere_and_any_url_password():
    location = "postgresql://u:p%40ss%2Fw0rd@h/db"  # the password p@ss/w0rd, percent-encoded
    assert redact("failed for p@ss/w0rd and p%40ss%2Fw0rd", location) == "failed for *** and ***"
    assert redact(f"see mysql://root:{SECRET}@x/y and host=h password={SECRET} port=5") == \
        "see mysql://root:***@x/y and host=h password=*** port=5"


def test_translate_errors_masks_the_password_in_the_label_and_the_driver_message():
    location = f"postgresql+psycopg://u:{SECRET}@h/db"
    with pytest.raises(StudyplanError) as caught:
        with translate_errors(location):
            raise OperationalError("SELECT 1", {}, Exception(f"server closed the connection ({location})"))
    assert SECRET not in str(caught.value)
    assert str(caught.value).startswith("postgresql+psycopg://u:***@h/db: database error: server closed")


def test_describe_error_masks_the_password():
    location = f"postgresql+psycopg://u:{SECRET}@h/db"
    assert SECRET not in describe_error(ValueError(f"bad {location}"), location)
    assert SECRET not in describe_error(ValueError(f"bad {location}"))  # the URL pattern alone


# ------------------------------------------------------------------ the CLI's paths


@pytest.mark.parametrize("db", [
    f"postgresql://u:{SECRET}@host:notaport/db",
    f"postgresql://u:{SECRET}@[::1/db",
    f"nosuchdialect://u:{SECRET}@h/db",
    f"postgresql+nosuchdriver://u:{SECRET}@h/db",
    f"postgresql+psycopg2://u:{SECRET}@h/db",  # a driver that is not installed
    f"postgresql+psycopg://u@127.0.0.1:1/db?password={SECRET}",  # refused connection
    f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/db",
])
@pytest.mark.parametrize("command", [["today"], ["review", "--exam", "tiny"], ["stats"]])
def test_malformed_or_unreachable_urls_never_print_the_password(db, command, tiny_decks):
    line = assert_secret_kept(invoke(db, *command, decks=tiny_decks, input="q\n"))
    assert "***" in line or "password" not in db


def test_a_peer_that_never_answers_times_out_without_the_password(tiny_decks, monkeypatch):
    monkeypatch.setattr(engine_module, "PG_CONNECT_TIMEOUT_S", 2)  # libpq's smallest
    with socket.socket() as listener:  # accepts (the kernel's backlog) and never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        line = assert_secret_kept(invoke(f"postgresql+psycopg://u:{SECRET}@127.0.0.1:{port}/db", "today",
                                         decks=tiny_decks))
    assert "timeout" in line.lower(), line


def with_password(url: str) -> str:
    return url.replace("://postgres@", f"://postgres:{SECRET}@", 1)


def test_runtime_database_errors_on_postgresql_never_print_the_password(pg_url, tiny_decks):
    db = with_password(pg_url)
    assert_secret_kept(invoke(db, "review", "--exam", "tiny", decks=tiny_decks, input="4\nq\n"), 0)
    # A learner name longer than the column: the server refuses the insert.
    line = assert_secret_kept(invoke(db, "review", "--exam", "tiny", decks=tiny_decks, learner="x" * 500,
                                     input="q\n"))
    assert "postgres:***@" in line
    # A NUL in a card: PostgreSQL text cannot hold it; the driver refuses before sending.
    alpha = tiny_decks / "tiny" / "01-alpha.toml"
    alpha.write_text(alpha.read_text().replace("Question 1 about alpha?", "Question 1 \\u0000 about alpha?"))
    assert_secret_kept(invoke(db, "decks", "sync", decks=tiny_decks))


def test_daily_names_the_database_with_the_password_masked(pg_url, tiny_decks, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(with_password(pg_url), "daily", "--exam", "tiny", decks=tiny_decks)
    assert_secret_kept(result, 0)
    assert "; database\npostgresql+psycopg://postgres:***@/" in result.stdout  # the location on its own line


def test_postgresql_connections_carry_a_statement_timeout(pg_url, monkeypatch):
    from sqlalchemy import text

    monkeypatch.setattr(engine_module, "PG_STATEMENT_TIMEOUT_MS", 1500)
    engine = engine_module.make_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1500ms"
    finally:
        engine.dispose()
    engine = engine_module.make_engine(pg_url + "&options=-c%20statement_timeout%3D7s")  # the URL's own wins
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "7s"
    finally:
        engine.dispose()
