"""``flask results verify`` and ``flask results export``: check sealed results, write spreadsheets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
from flask.cli import AppGroup

from awards.db import db, write_intent
from awards.results import exports, queries, services

# An AppGroup runs each command inside an app context, so the database session is the app context's own.
results_group = AppGroup("results", help="Final results: verify digests, export rankings and sheets.")


def _cycle(year: int):
    cycle = queries.cycle_by_year(db.session, year)
    if cycle is None:
        raise click.ClickException(f"دوره‌ای با سال {year} نیست / no cycle {year}")
    return cycle


@results_group.command("verify")
@click.option("--cycle", "year", type=int, required=True, help="Jalali year of the cycle, e.g. 1404.")
def verify_command(year: int) -> None:
    """Recompute every final category's digest; exit 1 and list the differences if any."""
    with write_intent(False):  # a reader: on SQLite it must not hold the write lock while it recomputes
        cycle = _cycle(year)
        final = [c for c in queries.categories_of(db.session, cycle) if c.finalised_at is not None]
        differences = services.verify(db.session, cycle=cycle)
        db.session.rollback()
    if differences:
        click.echo(f"نتایج نهایی دورهٔ {year} با داده‌های کنونی نمی‌خواند / "
                   f"{len(differences)} difference(s) in the final results of {year}:", err=True)
        for difference in differences:
            click.echo(f"  - {difference.describe()}", err=True)
        raise SystemExit(1)
    click.echo(f"همهٔ {len(final)} رشتهٔ نهایی دورهٔ {year} با چکیدهٔ ثبت‌شده می‌خوانند / "
               f"{len(final)} final categor{'y' if len(final) == 1 else 'ies'} of {year} verified, no difference")


@results_group.command("export")
@click.option("--cycle", "year", type=int, required=True, help="Jalali year of the cycle, e.g. 1404.")
@click.option("--category", "code", default=None, help="Category code (default: every category).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True)
@click.option("--table", type=click.Choice(["ranking", "sheets"]), default="ranking", show_default=True,
              help="CSV only: which table to write (the workbook holds both).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file (default: results-<year>[-<code>].<format> here).")
def export_command(year: int, code: str | None, fmt: str, table: str, out: Path | None) -> None:
    """Write the ranking (and, in a workbook, every sheet) of one or all categories."""
    out = out or Path(f"results-{year}{'-' + code.lower() if code else ''}.{fmt}")
    with write_intent(False):  # a reader: app writers go on while it reads
        count = _export(year, code, fmt, table, out)
    click.echo(f"{out} ({out.stat().st_size} bytes, {count} categor{'y' if count == 1 else 'ies'})")


def _categories(year: int, code: str | None) -> list:
    cycle = _cycle(year)
    categories = queries.categories_of(db.session, cycle)
    if code is not None:
        categories = [c for c in categories if c.code == code.lower()]
        if not categories:
            raise click.ClickException(f"رشته‌ای با کد {code} در دورهٔ {year} نیست / no category {code} in {year}")
    return categories


def _workbook_tables(categories: list) -> Iterator[exports.Table]:
    """The workbook's tables category by category: one category's results are in memory at a time. Computed
    afresh: this one-shot process would gain nothing from the per-process cache, which kept every category's
    result alive (peak 380 MB for the whole 13,000 cycle). Both tables are built before the first is written, so
    a table that fails leaves no half-written sheet open in the workbook."""
    for category in categories:
        data = queries.load_results(db.session, category=category, fresh=True)
        if len(categories) == 1:
            yield exports.info_table(data)
        for part in (exports.ranking_table(data), exports.sheets_table(data)):
            part.title = f"{part.title} {category.code}" if len(categories) > 1 else part.title
            yield part
        del data


def _export(year: int, code: str | None, fmt: str, table: str, out: Path) -> int:
    """Write the export to ``out`` through a temporary file beside it, so a failure leaves no half-written file."""
    categories = _categories(year, code)
    partial = out.with_name(f".{out.name}.partial")
    try:
        if fmt == "xlsx":
            exports.write_xlsx(_workbook_tables(categories), partial)
        else:
            exports.write_merged_csv(_csv_tables(categories, table), partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
        db.session.rollback()
    return len(categories)


def _csv_tables(categories: list, table: str) -> Iterator[exports.Table]:
    """The whole-cycle CSV's tables, category by category: one category's results are in memory at a time."""
    for category in categories:
        data = queries.load_results(db.session, category=category, fresh=True)
        if table == "sheets":
            part = exports.sheets_table(data)
            part.headers.insert(0, "کد رشته")
            for row in part.rows:
                row.insert(0, category.code)
        else:
            part = exports.ranking_table(data, with_category=True)
        del data
        yield part
