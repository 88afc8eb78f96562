"""Form drafts' rules: what is kept, which keys are local, size and count limits, and the database's own checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from awards import clock
from awards.drafts import services
from awards.errors import DomainError
from awards.models import FormDraft


def _keys(session, user_id: int) -> list[str]:
    return list(session.scalars(select(FormDraft.form_key).where(FormDraft.user_id == user_id)
                                .order_by(FormDraft.form_key)))


def test_drafts_clean_fields_drops_secrets_and_the_csrf_token():
    fields = {"reason": ["دلیل"], "csrf_token": ["t"], "password": ["p"], "old_password_hint": ["p"], "code": ["1"],
              "recovery_code": ["r"], "comment": "یک متن"}
    assert services.clean_fields(fields) == {"reason": ["دلیل"], "comment": ["یک متن"]}


@pytest.mark.parametrize("raw", [None, [], "text", {"a": 1}, {"a": [1]}, {"": ["x"]}, {"a" * 201: ["x"]},
                                 {f"f{i}": ["x"] for i in range(services.MAX_FIELDS + 1)}])
def test_drafts_clean_fields_refuses_other_shapes(raw):
    with pytest.raises(DomainError):
        services.clean_fields(raw)


@pytest.mark.parametrize(("path", "local"), [
    ("/evaluation/1/winners", True), ("/screening/3/return?status=submitted&page=2", True), ("/x#override-4", True),
    ("//evil.example/x", False), ("/\\evil.example", False), ("https://evil.example/", False), ("evaluation", False),
    ("", False), ("/a b", False), ("/a\nb", False), (None, False), ("/" + "a" * 300, False)])
def test_drafts_is_local_path(path, local):
    assert services.is_local_path(path) is local


def test_drafts_form_key_is_the_path_the_browser_writes():
    assert services.form_key("/screening/3/return") == "/screening/3/return"
    assert services.form_key("/screening/3/return", "status=submitted") == "/screening/3/return?status=submitted"
    assert services.form_key("/evaluation/conflicts", "", "override-4") == "/evaluation/conflicts#override-4"
    assert services.form_key("/نامه") == "/%D9%86%D8%A7%D9%85%D9%87"


def test_drafts_save_refuses_a_key_or_page_of_another_host(session, demo):
    user_id = demo.users["fars"].id
    for key, page in (("//evil.example/x", "/"), ("/x", "https://evil.example/")):
        with pytest.raises(DomainError):
            services.save(session, user_id=user_id, key=key, page_path=page, fields={}, now=clock.wall_now())


def test_drafts_too_large_is_refused_with_its_limit(app, session, demo):
    with app.test_request_context(), pytest.raises(services.DraftTooLarge) as refused:
        services.save(session, user_id=demo.users["fars"].id, key="/x", page_path="/x",
                      fields={"r": ["a" * services.MAX_BYTES]}, now=clock.wall_now())
    assert refused.value.message == "پیش‌نویس بزرگ‌تر از ۶۴ کیلوبایت است و ذخیره نشد."
    assert refused.value.http_status == 413


def test_drafts_old_ones_are_pruned_and_only_fresh_ones_are_offered(session, demo):
    user_id = demo.users["fars"].id
    then = clock.wall_now()
    services.save(session, user_id=user_id, key="/a", page_path="/p", fields={"r": ["1"]}, now=then)
    later = then + services.KEEP_FOR + timedelta(minutes=1)
    assert services.for_page(session, user_id=user_id, page_path="/p", now=later) == []
    services.save(session, user_id=user_id, key="/b", page_path="/p", fields={"r": ["2"]}, now=later)
    assert _keys(session, user_id) == ["/b"]
    assert [d.form_key for d in services.for_page(session, user_id=user_id, page_path="/p", now=later)] == ["/b"]


def test_drafts_beyond_the_cap_the_oldest_go(session, demo, monkeypatch):
    monkeypatch.setattr(services, "MAX_PER_USER", 3)
    user_id, other_id = demo.users["fars"].id, demo.users["tehran"].id
    start = clock.wall_now()
    services.save(session, user_id=other_id, key="/k0", page_path="/p", fields={}, now=start)
    for n in range(5):
        services.save(session, user_id=user_id, key=f"/k{n}", page_path="/p", fields={},
                      now=start + timedelta(seconds=n))
    assert _keys(session, user_id) == ["/k2", "/k3", "/k4"]
    assert _keys(session, other_id) == ["/k0"]


def test_drafts_clear_sent_deletes_only_that_users_keys(session, demo):
    fars, tehran = demo.users["fars"].id, demo.users["tehran"].id
    now = clock.wall_now()
    for user_id in (fars, tehran):
        for key in ("/a", "/a#x", "/b"):
            services.save(session, user_id=user_id, key=key, page_path="/p", fields={}, now=now)
    services.clear_sent(session, user_id=fars, keys=["/a", "/a#x"], now=now, marked=False)
    assert _keys(session, fars) == ["/b"]
    assert _keys(session, tehran) == ["/a", "/a#x", "/b"]


def test_drafts_a_save_that_raced_the_send_is_refused_and_a_later_page_saves_again(session, demo):
    user_id = demo.users["fars"].id
    rendered = clock.wall_now()
    services.save(session, user_id=user_id, key="/k", page_path="/p", fields={"r": ["1"]}, now=rendered,
                  rendered_at=rendered)
    sent = rendered + timedelta(seconds=5)
    services.clear_sent(session, user_id=user_id, keys=["/k"], now=sent, marked=True)
    assert services.for_page(session, user_id=user_id, page_path="/p", now=sent) == []
    with pytest.raises(services.FormAlreadySent):
        services.save(session, user_id=user_id, key="/k", page_path="/p", fields={"r": ["late"]},
                      now=sent + timedelta(seconds=1), rendered_at=rendered)
    with pytest.raises(services.FormAlreadySent):  # a page that says nothing of its age is not trusted either
        services.save(session, user_id=user_id, key="/k", page_path="/p", fields={"r": ["late"]},
                      now=sent + timedelta(seconds=1))
    services.save(session, user_id=user_id, key="/k", page_path="/p", fields={"r": ["2"]},
                  now=sent + timedelta(seconds=9), rendered_at=sent + timedelta(seconds=1))
    [draft] = services.for_page(session, user_id=user_id, page_path="/p", now=sent + timedelta(seconds=9))
    assert services.fields_of(draft) == {"r": ["2"]} and draft.sent_at is None


def test_drafts_a_marked_send_with_no_draft_still_stops_a_late_save(session, demo):
    user_id = demo.users["fars"].id
    rendered = clock.wall_now()
    services.clear_sent(session, user_id=user_id, keys=["/k?page=2"], now=rendered + timedelta(seconds=1),
                        marked=True)
    with pytest.raises(services.FormAlreadySent):
        services.save(session, user_id=user_id, key="/k?page=2", page_path="/p", fields={"r": ["late"]},
                      now=rendered + timedelta(seconds=2), rendered_at=rendered)


@pytest.mark.parametrize(("key", "page", "fields"), [
    ("//evil.example", "/p", "{}"), ("x", "/p", "{}"), ("/k", "//evil.example", "{}"),
    ("/k", "/p", "a" * (services.MAX_BYTES + 1))])
def test_drafts_the_database_refuses_a_foreign_key_or_an_oversized_draft(session, demo, key, page, fields):
    session.add(FormDraft(user_id=demo.users["fars"].id, form_key=key, page_path=page, fields=fields,
                          updated_at=clock.wall_now()))
    with pytest.raises(IntegrityError):
        session.flush()


def test_drafts_the_database_keeps_one_per_user_and_form(session, demo):
    for _ in range(2):
        session.add(FormDraft(user_id=demo.users["fars"].id, form_key="/k", page_path="/p", fields="{}",
                              updated_at=clock.wall_now()))
    with pytest.raises(IntegrityError):
        session.flush()
