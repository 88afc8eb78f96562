"""Province isolation over every provincial-round route and document: a reader or writer of another province (its
officer, its working group's chair or member) gets 404 and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards.models import AuditEvent, EvidenceDocument, Nomination, ProvincialSeat, ProvincialSheet
from tests.factories import PASSWORD
from tests.provincial.conftest import province_id, send

#: (method, path) of every route that names a province, a seat or a dossier; {p} Fars, {s} a Fars seat, {n} a Fars
#: dossier, {d} one of its documents.
ROUTES = [
    ("GET", "/provincial/{p}"),
    ("POST", "/provincial/{p}/seats"),
    ("POST", "/provincial/seats/{s}/remove"),
    ("POST", "/provincial/seats/{s}/chair"),
    ("GET", "/provincial/nominations/{n}/sheet"),
    ("POST", "/provincial/nominations/{n}/sheet"),
    ("POST", "/provincial/nominations/{n}/forward"),
    ("POST", "/provincial/nominations/{n}/not-forward"),
    ("POST", "/provincial/nominations/{n}/award"),
    ("GET", "/nominations/{n}"),
    ("GET", "/nominations/{n}/documents/{d}"),
]
OUTSIDERS = [("tehran", "demo-pass-1404"), ("tehran-chair", PASSWORD)]
HOSTILE = {"username": "tehran-chair", "organisation": "x", "justification": "x", "action": "submit",
           "comment": "ربوده"}


def _snapshot(session) -> tuple:
    session.commit()
    session.expire_all()
    return (session.execute(select(Nomination.id, Nomination.state).order_by(Nomination.id)).all(),
            session.execute(select(ProvincialSeat.id, ProvincialSeat.is_chair).order_by(ProvincialSeat.id)).all(),
            session.scalar(select(func.count(ProvincialSheet.id))), session.scalar(select(func.count(AuditEvent.id))))


@pytest.mark.parametrize(("user", "password"), OUTSIDERS, ids=[u for u, _p in OUTSIDERS])
def test_another_province_sees_and_changes_nothing(session, scored, client, login_as, user, password):
    fars = province_id(session, "IR-07")
    values = {
        "p": fars,
        "s": session.scalar(select(ProvincialSeat.id).where(ProvincialSeat.group_id == scored.fars_group_id)),
        "n": scored.clusters[0],
        "d": session.scalar(select(EvidenceDocument.id).where(EvidenceDocument.nomination_id == scored.clusters[0])),
    }
    login_as(user, password)
    before = _snapshot(session)
    statuses = {}
    for method, path in ROUTES:
        url = path.format(**values)
        if method == "GET":
            statuses[(method, path)] = client.get(url).status_code
        else:
            statuses[(method, path)] = send(client, url, HOSTILE, page="/").status_code
    assert statuses == {route: 404 for route in ROUTES}
    assert _snapshot(session) == before
    listed = client.get("/provincial/", follow_redirects=True).get_data(as_text=True)
    assert "خوشهٔ گلاب میمند" not in listed and "fars-chair" not in listed


def test_a_fars_member_reads_fars_dossiers_but_not_tehrans(session, scored, client, login_as):
    tehran_dossier = session.scalar(select(Nomination.id).where(Nomination.province_id == province_id(session, "IR-23"))
                                    .order_by(Nomination.id))
    login_as("fars-member-1", PASSWORD)
    assert client.get(f"/nominations/{scored.clusters[0]}").status_code == 200
    assert client.get(f"/nominations/{tehran_dossier}").status_code == 404
    assert client.get(f"/provincial/{province_id(session, 'IR-23')}").status_code == 404
