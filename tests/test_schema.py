"""A new database is made from the models in one step (`create_schema`), not by running
every migration; on SQLite and PostgreSQL the result must be the schema the migrations
build, and the models must match the migrations (so neither can drift from the other)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pgserver import db_url, pg_url, shared_server  # noqa: F401  (fixtures: SQLite and PostgreSQL)
from sqlalchemy import inspect

from studyplan.db.engine import current_revision, database_url, head_revision, make_engine, open_database, upgrade
from studyplan.db.models import Base


def _schema(engine) -> dict:
    """Every table's columns, primary key, indexes, unique constraints and foreign keys."""
    found = {}
    with engine.connect() as conn:
        ins = inspect(conn)
        for table in sorted(ins.get_table_names()):
            found[table] = {
                "columns": sorted((c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                                  for c in ins.get_columns(table)),
                "primary key": ins.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in ins.get_indexes(table)),
                "unique": sorted(tuple(u["column_names"]) for u in ins.get_unique_constraints(table)),
                "foreign keys": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                        tuple(f["referred_columns"]), str(f.get("options", {}).get("ondelete")))
                                       for f in ins.get_foreign_keys(table)),
            }
    return found


@pytest.fixture
def second_url(db_url, tmp_path):  # noqa: F811
    """Another empty database on the same backend as *db_url*."""
    if "://" not in database_url(db_url) or database_url(db_url).startswith("sqlite"):
        yield str(tmp_path / "migrated.db")
        return
    server = shared_server()
    url = server.create_database()
    yield url
    server.drop_database(url)


def test_a_new_database_has_the_schema_every_migration_builds(db_url, second_url):  # noqa: F811
    made, _ = open_database(db_url)  # empty: made from the models in one step
    migrated = make_engine(database_url(second_url))
    upgrade(migrated)  # the same, migration by migration
    try:
        assert current_revision(made) == current_revision(migrated) == head_revision()
        assert _schema(made) == _schema(migrated)
        with migrated.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        made.dispose()
        migrated.dispose()
