"""Autosaved drafts over HTTP: saved while typing, shown back only to their author on the form's page, cleared by
a successful send and kept by a refused one; nothing but the draft is written (issue 13, "No lost typing")."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import event, select

from awards.db import db
from awards.drafts import services
from awards.models import FormDraft, ScoreSheet
from tests.conftest import csrf_token
from tests.evaluation.factories import STEEL, nomination_named, post, sheet_data, sheet_url

TYPED = "برگه را نیمه‌کاره گذاشتم؛ فردا کاملش می‌کنم."
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
DRAFT_OR_SESSION = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(form_drafts|user_sessions)\"?\s",
                              re.IGNORECASE)


def _save(client, key: str, fields: dict, *, page: str | None = None, token: str | None = "page", url="/drafts",
          since: str | None = None):
    headers = {"Accept": "application/json"}
    if token == "page":
        token = csrf_token(client, "/")
    if token:
        headers["X-CSRFToken"] = token
    body = {"key": key, "page": page or key.split("?")[0].split("#")[0], "fields": fields}
    if since is not None:
        body["since"] = since
    return client.post(url, json=body, headers=headers)


def _since(html: str) -> str:
    """The render time the page gives its autosaves."""
    return json.loads(re.search(r'id="ui-messages">(.*?)</script>', html, re.S).group(1))["draftsSince"]


def _drafts(session) -> list[FormDraft]:
    """The drafts kept (a sent form's emptied row is not one)."""
    session.commit()
    session.expire_all()
    drafts = list(session.scalars(select(FormDraft).where(FormDraft.sent_at.is_(None)).order_by(FormDraft.id)))
    session.commit()  # end the read: an open SQLite transaction would block the next request
    return drafts


def _page_drafts(html: str) -> list[dict]:
    match = re.search(r'<script type="application/json" id="form-drafts">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else []


@pytest.fixture
def steel_sheet(session, demo, login_as):
    """A judge (winners-1) on the steel nominee's score sheet."""
    steel = nomination_named(session, STEEL)
    client = login_as("winners-1")
    return client, steel, sheet_url(steel)


def test_drafts_save_keeps_the_fields_and_says_when(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    response = _save(client, url, {"comment": [TYPED], "c1": ["12"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["saved"] is True and body["message"].startswith("پیش‌نویس ذخیره شد ساعت ")
    assert re.search(r"[۰-۹]{2}:[۰-۹]{2}$", body["message"])
    [draft] = _drafts(session)
    assert (draft.user_id, draft.form_key, draft.page_path) == (demo.users["winners-1"].id, url, url)
    assert services.fields_of(draft) == {"comment": [TYPED], "c1": ["12"]}


def test_drafts_a_second_save_overwrites_the_first(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    assert _save(client, url, {"comment": ["نخست"]}).status_code == 200
    assert _save(client, url, {"comment": ["دوم"]}).status_code == 200
    [draft] = _drafts(session)
    assert services.fields_of(draft) == {"comment": ["دوم"]}


def test_drafts_larger_than_the_limit_are_refused_and_the_last_one_stays(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    assert _save(client, url, {"comment": ["کوتاه"]}).status_code == 200
    response = _save(client, url, {"comment": ["ا" * (services.MAX_BYTES // 2 + 10)]})
    assert response.status_code == 413
    assert response.get_json()["error"] == "پیش‌نویس بزرگ‌تر از ۶۴ کیلوبایت است و ذخیره نشد."
    assert [services.fields_of(d) for d in _drafts(session)] == [{"comment": ["کوتاه"]}]


def test_drafts_a_body_far_over_the_limit_is_refused_unread(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    response = _save(client, url, {"comment": ["a" * (3 * services.MAX_BYTES)]})
    assert response.status_code == 413 and "error" in response.get_json()
    assert _drafts(session) == []


def test_drafts_without_the_csrf_token_are_refused(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    response = _save(client, url, {"comment": [TYPED]}, token=None)
    assert response.status_code == 400
    assert "error" in response.get_json()
    response = _save(client, url, {"comment": [TYPED]}, token="not-the-token")
    assert response.status_code == 400
    assert _drafts(session) == []


def test_drafts_an_anonymous_visitor_is_refused(session, demo, client):
    url = sheet_url(nomination_named(session, STEEL))
    response = _save(client, url, {"comment": [TYPED]}, token=csrf_token(client, "/login"))
    assert response.status_code == 401
    assert "error" in response.get_json()
    assert _drafts(session) == []


@pytest.mark.parametrize("key", ["//evil.example/x", "https://evil.example/evaluation/1/winners", "evaluation/1",
                                 "/no/such/page", "/login", "/logout", "/drafts", "/evaluation/",
                                 "/\\evil.example", "/" + "a" * 400])
def test_drafts_only_for_a_form_of_this_app_that_posts(session, demo, steel_sheet, key):
    client, _steel, _url = steel_sheet
    response = _save(client, key, {"comment": [TYPED]}, page="/")
    assert response.status_code == 400
    assert response.get_json()["error"] == "این فرم پیش‌نویس نمی‌پذیرد."
    assert _drafts(session) == []


def test_drafts_malformed_fields_are_refused(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    for fields in ([TYPED], {"comment": [1]}, {"comment": {"a": "b"}}, None):
        assert _save(client, url, fields).status_code == 400
    assert _drafts(session) == []


def test_drafts_secrets_are_never_kept(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    assert _save(client, url, {"comment": [TYPED], "csrf_token": ["t"], "password": ["p"],
                               "new_password": ["p"]}).status_code == 200
    assert services.fields_of(_drafts(session)[0]) == {"comment": [TYPED]}


def test_drafts_come_back_on_the_page_for_their_author_only(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    _save(client, url, {"comment": [TYPED]})
    [shown] = _page_drafts(client.get(url).get_data(as_text=True))
    assert shown["key"] == url and shown["fields"] == {"comment": [TYPED]}
    assert shown["note"].startswith("پیش‌نویس ذخیره‌شدهٔ شما در ۱۴") and shown["note"].endswith("بازگردانده شد.")
    assert _page_drafts(client.get("/evaluation/").get_data(as_text=True)) == []  # another page: nothing

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    other = client.application.test_client()
    post_login = other.post("/login", data={"username": "winners-2", "password": "demo-pass-1404",
                                            "csrf_token": csrf_token(other, "/login")})
    assert post_login.status_code == 302
    html = other.get(url).get_data(as_text=True)
    assert other.get(url).status_code == 200
    assert _page_drafts(html) == [] and TYPED not in html


def test_drafts_the_page_reads_them_without_writing(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    _save(client, url, {"comment": [TYPED]})
    client.get(url)  # the session's own bookkeeping settles
    writes = _writes_during(lambda: client.get(url))
    assert writes == []


def _writes_during(action) -> list[str]:
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if WRITE.match(statement):
            seen.append(" ".join(statement.split())[:120])

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return seen


def test_drafts_saving_writes_nothing_but_the_draft(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    token = csrf_token(client, "/")
    writes = _writes_during(lambda: _save(client, url, {"comment": [TYPED]}, token=token))
    assert writes and all(DRAFT_OR_SESSION.match(statement) for statement in writes), writes
    assert any("form_drafts" in statement for statement in writes)
    writes = _writes_during(lambda: _save(client, url, {"comment": [TYPED]}, token=token, url="/drafts/discard"))
    assert writes and all(DRAFT_OR_SESSION.match(statement) for statement in writes), writes


def test_drafts_discard_deletes_only_the_own_draft(session, demo, steel_sheet):
    client, _steel, url = steel_sheet
    _save(client, url, {"comment": [TYPED]})
    services.save(session, user_id=demo.users["winners-2"].id, key=url, page_path=url,
                  fields={"comment": ["از دیگری"]}, now=_drafts(session)[0].updated_at)
    session.commit()
    response = _save(client, url, {}, url="/drafts/discard")
    assert response.status_code == 200 and response.get_json()["discarded"] is True
    assert [(d.user_id, services.fields_of(d)) for d in _drafts(session)] == [
        (demo.users["winners-2"].id, {"comment": ["از دیگری"]})]


def test_drafts_a_successful_send_clears_the_draft(session, demo, steel_sheet):
    client, steel, url = steel_sheet
    _save(client, url, {"comment": [TYPED]})
    response = post(client, url, sheet_data(session, steel, "12", comment=TYPED))
    assert response.status_code == 302
    assert _drafts(session) == []
    assert _page_drafts(client.get(url).get_data(as_text=True)) == []


def test_drafts_a_send_naming_its_form_clears_that_draft(session, demo, steel_sheet):
    client, steel, url = steel_sheet
    _save(client, f"{url}#main", {"comment": [TYPED]})
    _save(client, f"{url}#other", {"comment": ["دیگری"]})
    data = {**sheet_data(session, steel, "12"), "_draft": "main"}
    assert post(client, url, data).status_code == 302
    assert [d.form_key for d in _drafts(session)] == [f"{url}#other"]


def test_drafts_a_form_refused_beside_its_field_keeps_the_draft(session, demo, steel_sheet):
    client, steel, url = steel_sheet
    _save(client, url, {"comment": [TYPED]})
    response = post(client, url, sheet_data(session, steel, ["-1", "10", "10", "10"]))
    assert response.status_code == 200 and "نمره نمی‌تواند منفی باشد." in response.get_data(as_text=True)
    assert len(_drafts(session)) == 1


def test_drafts_a_send_the_service_refuses_keeps_the_draft(session, demo, steel_sheet):
    client, steel, url = steel_sheet
    _save(client, url, {"comment": [TYPED]})
    response = post(client, url, sheet_data(session, steel, ["10", "", "", ""], action="submit"))
    assert response.status_code == 200
    session.commit()
    assert session.scalars(select(ScoreSheet).where(ScoreSheet.nomination_id == steel.id)).all() == []
    assert len(_drafts(session)) == 1


def test_drafts_another_users_send_leaves_mine(session, demo, steel_sheet):
    client, steel, url = steel_sheet
    _save(client, url, {"comment": [TYPED]})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    other = client.application.test_client()
    other.post("/login", data={"username": "winners-2", "password": "demo-pass-1404",
                               "csrf_token": csrf_token(other, "/login")})
    assert post(other, url, sheet_data(session, steel, "12")).status_code == 302
    assert [d.user_id for d in _drafts(session)] == [demo.users["winners-1"].id]


def test_drafts_a_late_save_from_the_page_that_sent_the_form_is_refused(session, demo, steel_sheet):
    client, steel, url = steel_sheet
    since = _since(client.get(url).get_data(as_text=True))
    assert _save(client, url, {"comment": [TYPED]}, since=since).status_code == 200
    assert post(client, url, {**sheet_data(session, steel, "12"), "_draft": ""}).status_code == 302
    late = _save(client, url, {"comment": [TYPED]}, since=since)
    assert late.status_code == 409 and "فرستاده شده" in late.get_json()["error"]
    html = client.get(url).get_data(as_text=True)
    assert _page_drafts(html) == []
    assert _save(client, url, {"comment": ["تازه"]}, since=_since(html)).status_code == 200
    assert [d["fields"] for d in _page_drafts(client.get(url).get_data(as_text=True))] == [{"comment": ["تازه"]}]
