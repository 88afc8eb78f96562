"""The migrations and the models agree: a database migrated to head has the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, create_engine

import awards.models  # noqa: F401  (registers every table on the metadata)
from awards.db import Base


def _differences(database_url: str, metadata: MetaData = Base.metadata) -> list:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            # Types always; server defaults only on PostgreSQL: SQLite hands back a default's SQL text as written,
            # and Alembic then reads the empty-string default of ``categories.title_en`` as a change.
            options = {"compare_type": True, "compare_server_default": engine.dialect.name == "postgresql"}
            return compare_metadata(MigrationContext.configure(connection, opts=options), metadata)
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(database_url):
    assert _differences(database_url) == []


def test_the_comparison_sees_a_column_the_migrations_lack(database_url):
    """The check above can fail: a column added to the models alone shows up as a difference."""
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["settings"].append_column(Column("drift_probe", Integer))
    differences = _differences(database_url, metadata)
    assert [(d[0], d[2], d[3].name) for d in differences] == [("add_column", "settings", "drift_probe")]
