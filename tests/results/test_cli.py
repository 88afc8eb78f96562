"""``flask results verify`` and ``flask results export``."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from awards.models import Cycle
from awards.results import exports, queries, services
from tests.factories import seal_winners_minutes, sign_off_all
from tests.results.conftest import cluster, user


def _finalise(session):
    sign_off_all(session, cluster(session))
    seal_winners_minutes(session, cluster(session))
    services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))
    session.commit()
    services.confirm(session, category=cluster(session), actor=user(session, "admin"))
    session.commit()


def test_verify_passes_on_untouched_results(scored, app, session):
    _finalise(session)
    result = app.test_cli_runner().invoke(args=["results", "verify", "--cycle", "1404"])
    assert result.exit_code == 0, result.output
    assert "verified, no difference" in result.output


def test_verify_exits_1_and_reports_tampering(scored, app, session):
    _finalise(session)
    session.execute(text("UPDATE awards SET rank = 5 WHERE serial = '1404-CLUSTER-001'"))
    session.commit()
    result = app.test_cli_runner().invoke(args=["results", "verify", "--cycle", "1404"])
    assert result.exit_code == 1, result.output
    assert "difference" in result.output and "رتبه" in result.output
    assert "cluster [nomination" in result.output


def test_verify_unknown_cycle_fails(scored, app):
    result = app.test_cli_runner().invoke(args=["results", "verify", "--cycle", "1399"])
    assert result.exit_code != 0
    assert "1399" in result.output


def test_export_xlsx_of_one_category(scored, app, tmp_path):
    out = tmp_path / "cluster.xlsx"
    result = app.test_cli_runner().invoke(args=["results", "export", "--cycle", "1404", "--category", "CLUSTER",
                                                "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["مشخصات", "رتبه‌بندی", "برگه‌ها"]


def test_export_csv_of_whole_cycle(scored, app, tmp_path):
    out = tmp_path / "all.csv"
    result = app.test_cli_runner().invoke(args=["results", "export", "--cycle", "1404", "--format", "csv",
                                                "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0][0] == "کد رشته"
    assert {row[0] for row in rows[1:]} >= {"cluster", "industry"}


@pytest.mark.parametrize("table", ["ranking", "sheets"])
def test_whole_cycle_csv_streams_the_same_bytes_as_merging_in_memory(scored, app, session, tmp_path, table):
    out = tmp_path / "all.csv"
    result = app.test_cli_runner().invoke(args=["results", "export", "--cycle", "1404", "--format", "csv",
                                                "--table", table, "--out", str(out)])
    assert result.exit_code == 0, result.output
    parts = []
    for category in queries.categories_of(session, session.scalar(select(Cycle).where(Cycle.year == 1404))):
        data = queries.load_results(session, category=category)
        if table == "sheets":
            part = exports.sheets_table(data)
            part.headers.insert(0, "کد رشته")
            for row in part.rows:
                row.insert(0, category.code)
        else:
            part = exports.ranking_table(data, with_category=True)
        parts.append(part)
    assert out.read_bytes() == exports.to_csv(exports.merge(parts, table))


def test_export_unknown_category_fails(scored, app, tmp_path):
    result = app.test_cli_runner().invoke(args=["results", "export", "--cycle", "1404", "--category", "nope",
                                                "--out", str(tmp_path / "x.csv"), "--format", "csv"])
    assert result.exit_code != 0


def test_verify_and_export_read_without_the_write_lock(scored, app, session, tmp_path):
    """Read-only commands begin plain transactions, so on SQLite app writers are not kept waiting (issue 14)."""
    from sqlalchemy import event

    from awards.extensions import db

    _finalise(session)
    begins = []

    def _begin(_conn, _cursor, statement, *_args):
        if statement.upper().startswith("BEGIN"):
            begins.append(statement.upper())

    event.listen(db.engine, "before_cursor_execute", _begin)
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["results", "verify", "--cycle", "1404"]).exit_code == 0
        assert runner.invoke(args=["results", "export", "--cycle", "1404", "--format", "xlsx",
                                   "--out", str(tmp_path / "all.xlsx")]).exit_code == 0
    finally:
        event.remove(db.engine, "before_cursor_execute", _begin)
    if db.engine.dialect.name == "sqlite":
        assert begins and "BEGIN IMMEDIATE" not in begins


def test_export_failing_midway_leaves_no_file(scored, app, tmp_path, monkeypatch):
    from awards.results import exports

    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "all.xlsx"
    out.write_bytes(b"the previous export")

    def _broken(_data):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(exports, "sheets_table", _broken)
    result = app.test_cli_runner().invoke(args=["results", "export", "--cycle", "1404", "--format", "xlsx",
                                                "--out", str(out)])
    assert result.exit_code != 0
    assert out.read_bytes() == b"the previous export"  # the earlier file is untouched
    assert [p.name for p in out.parent.iterdir()] == ["all.xlsx"]  # and no half-written file is left beside it
