"""A GET never writes: every GET route, for every demo role, at the demo's two stages, issues no INSERT/UPDATE/DELETE.

The routes come from ``app.url_map``: every endpoint that answers GET, with its arguments filled from the seeded
demo database (nominations in each state, their documents, categories, committees, memberships, users, awards,
a print job, a results export job, signatories, password-link and verification tokens, static files). A listener
on the engine records each statement a request sends; the test fails listing route, role and statement for any
write.

Excluded on purpose, and only that: the server-side session store's own table (``user_sessions``). Its writes on
a GET are the session's bookkeeping, not a domain change: the throttled ``last_seen_at`` touch that the idle
timeout reads, the session data (a CSRF token issued with a form, a flash message shown and so removed) and the
periodic session-id renewal. They happen in a short transaction of the store's own, before the request's domain
transaction begins (see ``awards.auth.sessions``); making them wait for a POST would break the idle timeout and
leave shown flashes behind.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import event, select

from awards.accounts.services import issue_password_link
from awards.db import db
from awards.demo import run_to_final
from awards.enums import CommitteeCode
from awards.jobs import job_folder
from awards.models import (
    Award,
    Category,
    Committee,
    Criterion,
    Cycle,
    EvidenceDocument,
    Indicator,
    Job,
    Meeting,
    Membership,
    Nomination,
    Province,
    Signatory,
    User,
)
from tests.conftest import login

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
#: The session store's bookkeeping table (see the module docstring): its writes on GET are not domain writes.
SESSION_STORE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?user_sessions\"?\s", re.IGNORECASE)
ROLES = (None, "admin", "fars", "tehran",
         *(f"{code.value}-{seat}" for code in CommitteeCode for seat in ("chair", "1")))


def _one_per_state(session) -> list[int]:
    rows = session.execute(select(Nomination.state, Nomination.id).order_by(Nomination.id)).all()
    first: dict = {}
    for state, nomination_id in rows:
        first.setdefault(state, nomination_id)
    return sorted(first.values())


def _job(session, app, admin: User) -> int:
    """A finished print job with its file, so the status, page and download routes have something to show."""
    job = Job(kind="certificates", state="done", total=1, done=1, created_by_id=admin.id, result_name="lohs.pdf",
              params={"cycle_id": session.scalar(select(Cycle.id)), "category_id": None, "format": "pdf"})
    session.add(job)
    session.flush()
    folder = job_folder(app.config["OUTPUT_FOLDER"], job.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lohs.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    job.result_path = str(folder / "lohs.pdf")
    return job.id


def _export_job(session, app, admin: User, category_id: int) -> int:
    """A finished results export job of the admin's, with its file, for the export job's page, status and file."""
    job = Job(kind="results_export", state="done", total=1, done=1, created_by_id=admin.id,
              result_name="results.csv", params={"category_id": category_id, "format": "csv", "table": "ranking"})
    session.add(job)
    session.flush()
    folder = job_folder(app.config["OUTPUT_FOLDER"], job.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.csv").write_bytes("\ufeffرتبه\r\n".encode())
    job.result_path = str(folder / "results.csv")
    return job.id


def _outbox_message(app) -> str:
    """A message in the mail outbox, so the page that shows one has something to show."""
    folder = Path(app.config["MAIL_OUTBOX_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = "20250801T100000Z-1.eml"
    (folder / name).write_bytes(b"From: tandis@localhost\r\nTo: a@example.ir\r\nSubject: test\r\n\r\nbody\r\n")
    return name


def _argument_values(session, app) -> dict[str, list]:
    """Values for each URL argument, taken from the seeded database (a few of each, not every row)."""
    admin = session.scalar(select(User).where(User.username == "admin"))
    member = session.scalar(select(User).where(User.username == "winners-1"))
    link = issue_password_link(session, user=member, actor=admin, hours=24)
    categories = session.scalars(select(Category.id).order_by(Category.finalised_at.is_(None), Category.id)).all()
    awards = session.scalars(select(Award).order_by(Award.id).limit(2)).all()
    export_job = [_export_job(session, app, admin, categories[0])]
    values = {
        "cycle_id": session.scalars(select(Cycle.id)).all(),
        "category_id": categories[:2],
        "code": [c.code.value for c in session.scalars(select(Committee).order_by(Committee.id))],
        "committee_code": [CommitteeCode.WINNERS.value, CommitteeCode.CONTENT.value],
        "membership_id": session.scalars(select(Membership.id).order_by(Membership.id).limit(1)).all(),
        "user_id": [admin.id, member.id],
        "action": ["disable", "enable"],
        "nomination_id": _one_per_state(session),
        "award_id": [a.id for a in awards],
        "job_id": [_job(session, app, admin)],
        **{f"results.{endpoint}.job_id": export_job
           for endpoint in ("export_job", "export_job_status", "export_job_download")},
        "signatory_id": session.scalars(select(Signatory.id).order_by(Signatory.id).limit(1)).all(),
        "fmt": ["xlsx", "csv"],
        # Fars (its officer's own) and Tehran (another province): the provincial round's group pages.
        "province_id": session.scalars(select(Province.id).where(Province.iso_code.in_(("IR-07", "IR-23")))
                                       .order_by(Province.id)).all(),
        "year": session.scalars(select(Cycle.year)).all(),
        "filename": [str(p.relative_to(Path(app.static_folder)))
                     for p in sorted(Path(app.static_folder, "css").glob("*.css"))[:1]],
        "accounts.set_password.token": [link.token],
        "name": [_outbox_message(app)],
        "verify.show.token": [a.token for a in awards] or ["a" * 43],
        "meeting_id": session.scalars(select(Meeting.id).order_by(Meeting.id).limit(2)).all(),
        "indicator_id": session.scalars(select(Indicator.id).order_by(Indicator.id).limit(1)).all(),
        "criterion_id": session.scalars(select(Criterion.id).order_by(Criterion.id).limit(1)).all(),
        "minutes.show.token": session.scalars(select(Meeting.token).order_by(Meeting.id).limit(1)).all() or ["a" * 24],
    }
    session.commit()
    return values


def _urls(app, session, values: dict[str, list]) -> list[str]:
    """Every GET route once per combination of its arguments' values."""
    documents = session.execute(select(EvidenceDocument.nomination_id, EvidenceDocument.id)
                                .order_by(EvidenceDocument.id).limit(2)).all()
    session.commit()
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            if rule.endpoint in ("nominations.download", "nominations.preview"):
                combos = [{"nomination_id": n, "document_id": d} for n, d in documents]
            else:
                names = sorted(rule.arguments)
                pools = [values.get(f"{rule.endpoint}.{name}") or values[name] for name in names]
                combos = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*pools)]
            urls.extend(url_for(rule.endpoint, **combo) for combo in combos)
    return urls


@pytest.mark.parametrize("stage", ["nominations", "final"])
def test_no_get_route_writes_for_any_role(app, session, demo, stage):
    if stage == "final":
        run_to_final(session, demo)
        session.commit()
    urls = _urls(app, session, _argument_values(session, app))
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if WRITE.match(statement) and not SESSION_STORE.match(statement):
            seen.append(" ".join(statement.split())[:160])

    writes: list[tuple[str | None, str, str]] = []
    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        for role in ROLES:
            client = app.test_client()
            if role is not None:
                assert login(client, role).status_code == 302, role
            for url in urls:
                seen.clear()
                response = client.get(url)
                response.close()  # files sent by send_file
                assert response.status_code < 500, (role, url, response.status_code)
                writes.extend((role, url, statement) for statement in seen)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert writes == [], "\n".join(f"{role or 'anonymous'} GET {url}: {sql}" for role, url, sql in writes)
