"""Reference data: migration 0002 loads the 31 provinces and six committees, idempotently."""

from __future__ import annotations

import csv

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from awards.migrate import alembic_config, upgrade
from awards.models import Committee, Province
from awards.reference import COMMITTEES, PROVINCES_CSV, missing_reference_data
from tests.fresh_database import fresh_database_url


@pytest.fixture
def empty_engine(tmp_path):
    with fresh_database_url(tmp_path, "ref") as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


def _rows(engine):
    with engine.connect() as conn:
        provinces = conn.execute(text("SELECT id, iso_code, name_fa, name_en, capital_fa FROM provinces "
                                      "ORDER BY id")).all()
        committees = conn.execute(text("SELECT id, code, name_fa, name_en, position FROM committees "
                                       "ORDER BY id")).all()
    return provinces, committees


def test_reference_data_migrated_database_holds_every_province_and_committee(session):
    assert missing_reference_data(session) == []
    with open(PROVINCES_CSV, encoding="utf-8") as handle:
        expected = {row["iso_code"]: (row["name_fa"], row["name_en"], row["capital_fa"])
                    for row in csv.DictReader(handle)}
    provinces = {p.iso_code: (p.name_fa, p.name_en, p.capital_fa) for p in session.scalars(select(Province))}
    assert provinces == expected and len(provinces) == 31
    committees = [(c.code, c.name_fa, c.name_en) for c in session.scalars(select(Committee).order_by(
        Committee.position))]
    assert committees == COMMITTEES


def test_reference_data_missing_rows_are_named(session):
    session.execute(text("DELETE FROM provinces WHERE iso_code = 'IR-30'"))
    session.execute(text("DELETE FROM committees WHERE code = 'media'"))
    assert missing_reference_data(session) == ["province IR-30", "committee media"]


def test_reference_data_migration_keeps_rows_already_there(empty_engine):
    upgrade(empty_engine, "0001")
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO provinces (iso_code, name_fa, name_en, capital_fa) "
                          "VALUES ('IR-07', 'فارس', 'Pars (kept)', 'شیراز')"))
        conn.execute(text("INSERT INTO committees (code, name_fa, name_en, position) "
                          "VALUES ('media', 'رسانه', 'Media (kept)', 9)"))
    upgrade(empty_engine)
    provinces, committees = _rows(empty_engine)
    assert len(provinces) == 31 and len(committees) == 6
    assert [p.name_en for p in provinces if p.iso_code == "IR-07"] == ["Pars (kept)"]
    assert [(c.name_en, c.position) for c in committees if c.code == "media"] == [("Media (kept)", 9)]


def test_reference_data_migration_run_again_changes_nothing(empty_engine):
    upgrade(empty_engine)
    before = _rows(empty_engine)
    cfg = alembic_config(empty_engine.url.render_as_string(hide_password=False))
    with empty_engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.stamp(cfg, "0001")
        command.upgrade(cfg, "0002")  # the data migration alone, run a second time
        command.stamp(cfg, "head", purge=True)
    assert _rows(empty_engine) == before
