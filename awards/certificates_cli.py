"""``flask certificates render``: print a cycle's (or a category's) certificates from the command line, the national
ones and the provincial round's: an entry point above both (`.importlinter`), since the provincial round builds on the
national certificates."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from awards.certificates import printing, services
from awards.errors import DomainError
from awards.extensions import db
from awards.models import Category, Cycle
from awards.provincial import certificates as provincial_certificates

certificates_group = AppGroup("certificates", help="Certificate printing.")


@certificates_group.command("render")
@click.option("--cycle", "year", type=int, required=True, help="Jalali year of the cycle, e.g. 1404.")
@click.option("--category", "code", default=None, help="Only this category code, e.g. cluster.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--one-file", is_flag=True, help="One PDF for all, instead of one PDF per award named by serial.")
@click.option("--base-url", default=None, help="Public address for the QR codes (default AWARDS_PUBLIC_BASE_URL).")
def render_command(year: int, code: str | None, out_dir: Path, one_file: bool, base_url: str | None) -> None:
    """Render certificates into OUT, the national ones and the provincial round's (revoked awards are left out)."""
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        raise click.ClickException(f"no cycle {year}")
    category = None
    if code:
        category = db.session.scalar(select(Category).where(Category.cycle_id == cycle.id, Category.code == code))
        if category is None:
            raise click.ClickException(f"no category {code} in {year}")
    base = base_url or current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    upload_dir = current_app.config["UPLOAD_FOLDER"]
    refusals: list[str] = []
    try:
        items = services.certificates_for(db.session, awards=services.awards_of(db.session, cycle=cycle,
                                                                                 category=category),
                                          verify_base_url=base, upload_dir=upload_dir)
    except DomainError as error:
        items, refusals = [], [error.message]
    # The provincial round's certificates are the provinces' own: the national budget, which gates the national
    # certificates above (certificates_for), does not gate them; a province without signatories is refused alone.
    provincial, provincial_refusals = provincial_certificates.certificates_for(
        db.session, awards=provincial_certificates.awards_of(db.session, cycle=cycle, category=category),
        verify_base_url=base, upload_dir=upload_dir)
    refusals += provincial_refusals
    if not items and not provincial:
        raise click.ClickException("\n".join(refusals) or "no valid awards to print")
    out_dir.mkdir(parents=True, exist_ok=True)
    if one_file and items:
        path = out_dir / services.output_name(cycle=cycle, category=category, fmt="pdf")
        pages = printing.renderer().render_many_chunked(
            items, out_path=path, chunk_size=current_app.config["CERTIFICATE_CHUNK_SIZE"],
            workers=current_app.config["CERTIFICATE_WORKERS"],
            progress=lambda done, total: click.echo(f"  {done}/{total}"))
        click.echo(f"wrote {path} ({pages} pages)")
        items = []
    # One PDF per award named by its serial (1404-CLUSTER-001.pdf); provincial ones always so (1404-FA-001.pdf).
    each = items + provincial
    pdfs = printing.renderer().render_each(each, workers=current_app.config["CERTIFICATE_WORKERS"])
    for item, pdf in zip(each, pdfs, strict=True):
        (out_dir / f"{item.serial}.pdf").write_bytes(pdf)
        click.echo(f"wrote {out_dir / (item.serial + '.pdf')}")
    if refusals:  # what could be printed was; the rest is named and the command fails
        raise click.ClickException("not printed:\n" + "\n".join(refusals))
