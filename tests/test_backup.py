"""Backups: `studyplan backup` (online, during a session), `restore` (checked, atomic), and the
automatic copy taken before a migration."""

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli.test_review import read_until, spawn
from conftest import db_digest as digest
from conftest import history_views
from sqlalchemy import text

from studyplan.db.engine import current_revision, make_engine, open_database, upgrade

SESSION = ["5", "4", "3", "5"]


def rows(path, sql, *args):
    with sqlite3.connect(path) as conn:
        return history_views(conn).execute(sql, args).fetchall()




def graded(run, grades=SESSION, today="2026-12-01"):
    result = run("review", "--exam", "tiny", input="".join(g + "\n" for g in grades) + "q\n", today=today)
    assert result.exit_code == 0, result.output
    return result


def test_backup_default_name_is_timestamped_next_to_the_database(run, db_path):
    graded(run)
    result = run("backup")
    assert result.exit_code == 0, result.output
    made = sorted(p for p in db_path.parent.iterdir() if p.name.startswith("study-2026120"))
    assert len(made) == 1 and made[0].suffix == ".db"
    assert f"backed up {db_path} to {made[0]}" in result.stdout
    assert "4 reviews" in result.stdout
    assert rows(made[0], "pragma integrity_check") == [("ok",)]
    assert rows(made[0], "pragma journal_mode") == [("delete",)]  # one self-contained file
    assert rows(made[0], "select card_id, grade from review_log order by id") == rows(
        db_path, "select card_id, grade from review_log order by id")
    second = run("backup")  # same second: a counter keeps the first backup
    assert second.exit_code == 0
    assert len([p for p in db_path.parent.iterdir() if p.name.startswith("study-2026120")]) == 2
    assert not [p for p in db_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_backup_to_a_named_file_and_clear_refusals(run, db_path, tmp_path):
    graded(run)
    target = tmp_path / "copy.db"
    assert run("backup", str(target)).exit_code == 0
    assert digest(target) == digest(db_path)
    for args, message in [
        ((str(db_path),), "is the database itself"),
        ((str(tmp_path / "nowhere" / "x.db"),), "does not exist"),
    ]:
        result = run("backup", *args)
        assert result.exit_code == 1 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    missing = run("backup", db=tmp_path / "absent.db")
    assert missing.exit_code == 1 and "no database there" in missing.stderr
    assert not (tmp_path / "absent.db").exists()


@pytest.mark.parametrize("command,tool", [("backup", "pg_dump"), ("restore", "pg_restore")])
def test_server_databases_are_refused_with_a_pointer_to_the_right_tool(run, tmp_path, command, tool):
    args = [command] + ([] if command == "backup" else [str(tmp_path / "x.db")])
    result = run(*args, db="postgresql+psycopg://someone@/cohort")
    assert result.exit_code == 1
    assert "SQLite database files only" in result.stderr and tool in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_backup_during_a_live_session_has_every_acknowledged_grade(run, db_path, tiny_decks, tmp_path):
    run("decks", "sync")
    proc = spawn(["review", "--exam", "tiny"], db_path, tiny_decks, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE)
    try:
        fd = proc.stdout.fileno()
        read_until(fd, b"Q: ")
        for grade in (5, 4, 3):
            proc.stdin.write(f"{grade}\n".encode())
            proc.stdin.flush()
            read_until(fd, b"] tiny")
        # Another writer holds an open, uncommitted transaction while the backup runs.
        writer = sqlite3.connect(db_path, isolation_level=None, timeout=10)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO learner (name, created_at) VALUES ('uncommitted', '2026-12-01 10:00:00')")
        result = run("backup", str(tmp_path / "live.db"))
        writer.execute("ROLLBACK")
        writer.close()
        assert result.exit_code == 0, result.output
        proc.stdin.write(b"5\n")
        proc.stdin.flush()
        read_until(fd, b"] tiny")
    finally:
        proc.kill()
        proc.wait(timeout=10)
    copy = tmp_path / "live.db"
    assert rows(copy, "pragma integrity_check") == [("ok",)]
    assert [g for (g,) in rows(copy, "select grade from review_log order by id")] == [5, 4, 3]
    assert rows(copy, "select count(*) from learner where name = 'uncommitted'") == [(0,)]
    assert [g for (g,) in rows(db_path, "select grade from review_log order by id")] == [5, 4, 3, 5]


def test_restore_round_trip_keeps_the_replaced_database(run, db_path, tmp_path):
    graded(run)
    backup = tmp_path / "b.db"
    run("backup", str(backup))
    graded(run, ["2", "2"], today="2026-12-02")
    after = digest(db_path)
    result = run("restore", str(backup))
    assert result.exit_code == 0, result.output
    assert f"restored {db_path} from {backup}" in result.stdout
    assert digest(db_path) == digest(backup)
    assert not Path(f"{db_path}-wal").exists() and not Path(f"{db_path}-shm").exists()
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("study-before-restore-")]
    assert len(kept) == 1 and f"kept as {kept[0]}" in result.stdout
    assert digest(kept[0]) == after
    exported = run("export", "reviews", "--format", "csv")
    assert exported.exit_code == 0 and len(exported.stdout.strip().splitlines()) == 1 + len(SESSION)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_restore_onto_a_missing_database_creates_it(run, tmp_path, db_path):
    graded(run)
    target = tmp_path / "new" / "fresh.db"
    target.parent.mkdir()
    result = run("restore", str(db_path), db=target)
    assert result.exit_code == 0, result.output
    assert "kept as" not in result.stdout
    assert digest(target) == digest(db_path)


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page + 8: page * 3] = os.urandom(page * 2 - 8)  # pages 2 and 3: tables, not the header
    path.write_bytes(bytes(data))


def _not_studyplan(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (x)")


def _unknown_revision(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("update alembic_version set version_num = '9999'")


@pytest.mark.parametrize("spoil,message", [
    (lambda p: p.write_text("hello"), "not a SQLite database"),
    (_corrupt, "nothing was restored"),
    (_not_studyplan, "not a studyplan database"),
    (_unknown_revision, "schema revision 9999 is not one this release knows"),
    (lambda p: p.unlink(), "no such file"),
    (lambda p: (p.unlink(), p.mkdir()), "is a directory"),
])
def test_restore_checks_the_backup_first_and_changes_nothing(run, db_path, tmp_path, spoil, message):
    graded(run)
    bad = tmp_path / "bad.db"
    if spoil is _not_studyplan:
        sqlite3.connect(bad).close()
    else:
        run("backup", str(bad))
    spoil(bad)
    before = digest(db_path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    result = run("restore", str(bad))
    assert result.exit_code == (2 if bad.is_dir() else 1)  # a directory is click's usage error
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error:")]) == 1
    if result.exit_code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
    assert digest(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def _database_at_first_revision(db_path: Path) -> None:
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO learner (id, name, created_at) VALUES (1, 'ada', '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO exam VALUES ('tiny', 'Tiny', 'Ex', 'exam', 'active')"))
    engine.dispose()


def test_migration_of_an_existing_database_is_preceded_by_a_backup(db_path):
    _database_at_first_revision(db_path)
    before = digest(db_path)
    engine, _ = open_database(str(db_path))
    assert current_revision(engine) == "0007"
    engine.dispose()
    copy = Path(f"{db_path}.pre-0001.bak")
    assert copy.exists()
    assert digest(copy) == before
    assert rows(copy, "select version_num from alembic_version") == [("0001",)]
    assert rows(copy, "select name from learner") == [("ada",)]
    engine, _ = open_database(str(db_path))  # at head now: no second backup
    engine.dispose()
    assert [p.name for p in db_path.parent.iterdir() if p.name.endswith(".bak")] == [copy.name]


def test_a_new_database_gets_no_backup(db_path):
    engine, _ = open_database(str(db_path))
    engine.dispose()
    assert not [p for p in db_path.parent.iterdir() if p.name.endswith(".bak")]


def test_restoring_an_old_revision_upgrades_on_next_use_with_a_backup(run, db_path, tmp_path):
    old = tmp_path / "old.db"
    _database_at_first_revision(old)
    result = run("restore", str(old))
    assert result.exit_code == 0, result.output
    assert "schema 0001" in result.stdout
    assert run("decks", "sync").exit_code == 0
    assert rows(db_path, "select version_num from alembic_version") == [("0007",)]
    assert rows(db_path, "select name from learner") == [("ada",)]
    assert Path(f"{db_path}.pre-0001.bak").exists()
