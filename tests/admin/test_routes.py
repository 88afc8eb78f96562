"""The «مدیریت» pages: organizers only, CSRF, errors beside fields with the typed values kept, confirmations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.models import AuditEvent, Category, Cycle, Membership
from tests.admin.conftest import AFTER_CEREMONY, TIMELINE_1405, category, cycle_of, seat, user
from tests.conftest import csrf_token
from tests.screening.conftest import read

NOT_ORGANIZERS = ["fars", "winners-chair", "oversight-chair", "provincial_affairs-1"]


def _post(client, url, data, *, token_page="/"):
    return client.post(url, data={"csrf_token": csrf_token(client, token_page), **data})


def _state(session) -> tuple:
    """Everything the area can change, to check a refused request changed nothing."""
    session.expire_all()
    value = (
        session.scalar(select(func.count(Cycle.id))),
        session.scalar(select(func.count(Category.id))),
        session.scalar(select(func.count(Membership.id))),
        session.scalar(select(func.count(Category.id)).where(Category.retired_at.is_not(None))),
        session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action != "user.login")),
        tuple(session.scalars(select(Membership.user_id).where(Membership.is_chair.is_(True))
                              .order_by(Membership.id))),
    )
    session.commit()
    return value


def _urls(demo, session) -> tuple[list[str], list[tuple[str, dict]]]:
    cycle_id, industry = demo.cycle.id, category(session, "industry").id
    member = seat(session, "media-2", "media").id
    session.commit()
    pages = ["/admin/", "/admin/cycles/new", "/admin/cycles/copy", f"/admin/cycles/{cycle_id}",
             f"/admin/cycles/{cycle_id}/archive", f"/admin/cycles/{cycle_id}/categories/new",
             f"/admin/categories/{industry}/edit", f"/admin/categories/{industry}/retire",
             f"/admin/categories/{industry}/delete", f"/admin/cycles/{cycle_id}/committees/media",
             f"/admin/memberships/{member}/remove"]
    posts = [
        ("/admin/cycles/new", {"year": "1405", "title": "x", **TIMELINE_1405}),
        ("/admin/cycles/copy", {"source": str(cycle_id), "year": "1405"}),
        (f"/admin/cycles/{cycle_id}/archive", {"confirm": "y"}),
        (f"/admin/cycles/{cycle_id}/categories/new", {"code": "new", "title": "x", "nominee_kind": "person",
                                                       "province_quota": "1", "gold_quota": "1",
                                                       "certificate_quota": "1"}),
        (f"/admin/categories/{industry}/retire", {"confirm": "y"}),
        (f"/admin/categories/{industry}/restore", {}),
        (f"/admin/categories/{industry}/delete", {"confirm": "y"}),
        (f"/admin/cycles/{cycle_id}/committees/media", {"user_id": str(user(session, "fars").id)}),
        (f"/admin/memberships/{member}/remove", {"confirm": "y"}),
        (f"/admin/memberships/{member}/chair", {}),
        (f"/admin/memberships/{member}/organisation", {f"m{member}-organisation": "x"}),
    ]
    session.commit()
    return pages, posts


@pytest.mark.parametrize("username", NOT_ORGANIZERS)
def test_every_route_refuses_non_organizers_and_changes_nothing(client, demo, session, login_as, username):
    pages, posts = _urls(demo, session)
    before = _state(session)
    login_as(username)
    for path in pages:
        assert client.get(path).status_code == 403, path
    for path, data in posts:
        assert _post(client, path, data).status_code == 403, path
    assert _state(session) == before


def test_anonymous_redirected_to_login(client, demo, session):
    pages, _posts = _urls(demo, session)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_posts_without_csrf_refused_and_change_nothing(client, demo, session, login_as):
    _pages, posts = _urls(demo, session)
    before = _state(session)
    login_as("admin")
    for path, data in posts:
        assert client.post(path, data=data).status_code == 400, path
    assert _state(session) == before


def test_organizer_sees_every_page(client, demo, session, login_as):
    pages, _posts = _urls(demo, session)
    login_as("admin")
    for path in pages:
        assert client.get(path).status_code == 200, path


def test_navigation_offers_the_area_to_organizers_only(client, demo, login_as):
    login_as("admin")
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("fars")
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)


def test_index_lists_cycles_with_phase(client, demo, login_as):
    login_as("admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert "روز ملی صنعت و معدن ۱۴۰۴" in html
    assert "معرفی نامزدها" in html
    assert "سال ۱۴۰۴" in html


def test_create_cycle_through_the_form(client, demo, session, login_as):
    login_as("admin")
    response = _post(client, "/admin/cycles/new", {"year": "۱۴۰۵", "title": "روز ملی صنعت و معدن ۱۴۰۵",
                                                   **TIMELINE_1405, "conflict_same_province": "y"})
    assert response.status_code == 302
    cycle = read(session, select(Cycle).where(Cycle.year == 1405))
    assert cycle.title == "روز ملی صنعت و معدن ۱۴۰۵" and cycle.conflict_same_province
    assert response.headers["Location"].endswith(f"/admin/cycles/{cycle.id}")


def test_create_cycle_bad_dates_shown_beside_field_and_kept(client, demo, session, login_as):
    login_as("admin")
    data = {"year": "1405", "title": "دورهٔ تازه", **TIMELINE_1405, "evaluation_close_at": "۱۴۰۵/۰۳/۱۰"}
    response = _post(client, "/admin/cycles/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="evaluation_close_at-error"' in html
    assert "«پایان ارزیابی» باید پس از یا هم‌زمان با «پایان غربالگری» باشد." in html
    assert 'value="۱۴۰۵/۰۳/۱۰"' in html and 'value="دورهٔ تازه"' in html and 'value="1405"' in html
    assert read(session, select(func.count(Cycle.id))) == 1


def test_create_cycle_duplicate_year_shown_beside_year(client, demo, session, login_as):
    login_as("admin")
    html = _post(client, "/admin/cycles/new", {"year": "۱۴۰۴", "title": "تکراری", **TIMELINE_1405}).get_data(
        as_text=True)
    assert 'id="year-error"' in html and "دورهٔ سال ۱۴۰۴ پیش‌تر ساخته شده است." in html
    assert 'value="۱۴۰۴"' in html and 'value="تکراری"' in html
    assert read(session, select(func.count(Cycle.id))) == 1


@pytest.mark.parametrize(("name", "typed", "message"), [
    ("year", "هزار", "عدد صحیح وارد کنید"), ("nominations_open_at", "1404/13/01", "تاریخ شمسی معتبر نیست"),
    ("ceremony_at", "", "تاریخ را وارد کنید."), ("title", "", "عنوان دوره را بنویسید.")])
def test_create_cycle_bad_field_shown_beside_it(client, demo, session, login_as, name, typed, message):
    login_as("admin")
    data = {"year": "1405", "title": "دورهٔ تازه", **TIMELINE_1405, name: typed}
    html = _post(client, "/admin/cycles/new", data).get_data(as_text=True)
    assert f'id="{name}-error"' in html and message in html
    assert read(session, select(func.count(Cycle.id))) == 1


def test_copy_cycle_through_the_form(client, demo, session, login_as):
    login_as("admin")
    html = client.get("/admin/cycles/copy").get_data(as_text=True)
    assert 'value="۱۴۰۵"' in html or 'value="1405"' in html
    response = _post(client, "/admin/cycles/copy", {"source": str(demo.cycle.id), "year": "1405", "title": ""})
    assert response.status_code == 302
    copied = read(session, select(Cycle).where(Cycle.year == 1405))
    assert copied.title == "روز ملی صنعت و معدن ۱۴۰۵"
    assert read(session, select(func.count(Category.id)).where(Category.cycle_id == copied.id)) == 6


def test_copy_cycle_existing_year_shown_beside_year(client, demo, session, login_as):
    login_as("admin")
    html = _post(client, "/admin/cycles/copy", {"source": str(demo.cycle.id), "year": "1404"}).get_data(
        as_text=True)
    assert 'id="year-error"' in html
    assert read(session, select(func.count(Cycle.id))) == 1


def test_create_category_through_the_form_links_rubric(client, demo, session, login_as):
    login_as("admin")
    response = _post(client, f"/admin/cycles/{demo.cycle.id}/categories/new", {
        "code": "export", "title": "صادرکنندهٔ نمونه", "title_en": "Model exporter", "nominee_kind": "legal_entity",
        "province_quota": "۲", "gold_quota": "1", "certificate_quota": "2", "min_score": "۵۰٫۵"})
    assert response.status_code == 302
    created = read(session, select(Category).where(Category.code == "export"))
    assert (created.province_quota, str(created.min_score)) == (2, "50.50")
    html = client.get(f"/admin/cycles/{demo.cycle.id}").get_data(as_text=True)
    assert f"/evaluation/rubric/{created.id}" in html


def test_create_category_bad_code_kept_beside_field(client, demo, session, login_as):
    login_as("admin")
    html = _post(client, f"/admin/cycles/{demo.cycle.id}/categories/new", {
        "code": "Bad Code", "title": "رشتهٔ تازه", "nominee_kind": "person", "province_quota": "1",
        "gold_quota": "1", "certificate_quota": "1"}).get_data(as_text=True)
    assert 'id="code-error"' in html and 'value="Bad Code"' in html and 'value="رشتهٔ تازه"' in html
    assert read(session, select(func.count(Category.id))) == 6


def test_edit_final_category_quota_refused_beside_field(client, demo_final, session, login_as):
    final = read(session, select(Category).where(Category.finalised_at.is_not(None)).limit(1))
    login_as("admin")
    html = _post(client, f"/admin/categories/{final.id}/edit", {
        "code": final.code, "title": final.title, "nominee_kind": final.nominee_kind.value,
        "province_quota": str(final.province_quota), "gold_quota": str(final.gold_quota + 1),
        "certificate_quota": str(final.certificate_quota),
        "min_score": str(final.min_score) if final.min_score is not None else ""}).get_data(as_text=True)
    assert 'id="gold_quota-error"' in html and "نهایی شده است" in html
    assert read(session, select(Category.gold_quota).where(Category.id == final.id)) == final.gold_quota


def test_retire_needs_the_confirmation(client, demo, session, login_as):
    industry = category(session, "industry").id
    session.commit()
    login_as("admin")
    html = _post(client, f"/admin/categories/{industry}/retire", {}).get_data(as_text=True)
    assert 'id="confirm-error"' in html
    assert read(session, select(Category.retired_at).where(Category.id == industry)) is None
    assert _post(client, f"/admin/categories/{industry}/retire", {"confirm": "y"}).status_code == 302
    assert read(session, select(Category.retired_at).where(Category.id == industry)) is not None
    chooser = client.get(f"/admin/cycles/{demo.cycle.id}").get_data(as_text=True)
    assert "بازنشسته" in chooser


def test_delete_category_with_nominations_shows_reason_and_offers_retire(client, demo, session, login_as):
    industry = category(session, "industry").id
    session.commit()
    login_as("admin")
    html = client.get(f"/admin/categories/{industry}/delete").get_data(as_text=True)
    assert "حذف نمی‌شود" in html and f"/admin/categories/{industry}/retire" in html
    html = _post(client, f"/admin/categories/{industry}/delete", {"confirm": "y"}).get_data(as_text=True)
    assert "حذف نمی‌شود" in html
    assert read(session, select(Category.id).where(Category.id == industry)) == industry


def test_archive_not_finished_refused_on_the_page(client, demo, session, login_as):
    login_as("admin")
    html = _post(client, f"/admin/cycles/{demo.cycle.id}/archive", {"confirm": "y"}).get_data(as_text=True)
    assert "دوره هنوز تمام نشده است" in html
    assert read(session, select(Cycle.archived_at)) is None


def test_archive_through_the_form_then_pages_read_only(client, demo, session, login_as):
    url = f"/admin/cycles/{demo.cycle.id}"
    session.commit()  # end the test session's read, so it does not keep an old snapshot
    clock.freeze(AFTER_CEREMONY)
    login_as("admin")
    html = _post(client, f"{url}/archive", {}).get_data(as_text=True)
    assert 'id="confirm-error"' in html
    assert read(session, select(Cycle.archived_at)) is None
    assert _post(client, f"{url}/archive", {"confirm": "y"}).status_code == 302
    assert read(session, select(Cycle.archived_at)) == AFTER_CEREMONY
    html = client.get(url).get_data(as_text=True)
    assert "بایگانی‌شده" in html and "رشتهٔ تازه" not in html


def test_add_member_and_set_chair_through_the_forms(client, demo, session, login_as):
    fars = user(session, "fars").id
    session.commit()
    login_as("admin")
    url = f"/admin/cycles/{demo.cycle.id}/committees/media"
    assert _post(client, url, {"user_id": str(fars), "is_chair": "y"}).status_code == 302
    session.expire_all()
    new_seat = seat(session, "fars", "media")
    assert new_seat.is_chair and not seat(session, "media-chair", "media").is_chair
    old_chair = seat(session, "media-chair", "media").id
    session.commit()
    assert _post(client, f"/admin/memberships/{old_chair}/chair", {}).status_code == 302
    session.expire_all()
    assert seat(session, "media-chair", "media").is_chair and not seat(session, "fars", "media").is_chair
    session.commit()


def test_add_member_without_choice_shown_beside_field(client, demo, session, login_as):
    before = _state(session)
    login_as("admin")
    html = _post(client, f"/admin/cycles/{demo.cycle.id}/committees/media", {"user_id": ""}).get_data(as_text=True)
    assert 'id="user_id-error"' in html
    assert _state(session) == before


def test_remove_member_with_decisions_refused_on_the_page(client, demo, session, login_as):
    member = seat(session, "provincial_affairs-chair", "provincial_affairs").id
    session.commit()
    login_as("admin")
    html = _post(client, f"/admin/memberships/{member}/remove", {"confirm": "y"}).get_data(as_text=True)
    assert "برداشته نمی‌شود" in html
    assert read(session, select(Membership.id).where(Membership.id == member)) == member


def test_set_organisation_through_the_form(client, demo, session, login_as):
    member = seat(session, "media-1", "media").id
    session.commit()
    login_as("admin")
    response = _post(client, f"/admin/memberships/{member}/organisation", {f"m{member}-organisation": "سازمان نو"})
    assert response.status_code == 302
    assert read(session, select(AuditEvent.action).where(AuditEvent.action == "user.organisation")) is not None
    assert user(session, "media-1").organisation == "سازمان نو"
    session.commit()


def test_unknown_objects_not_found(client, demo, login_as):
    login_as("admin")
    for path in ("/admin/cycles/999", "/admin/categories/999/edit", "/admin/cycles/1/committees/nope",
                 "/admin/memberships/999/remove"):
        assert client.get(path).status_code == 404, path


def test_copy_route_bad_year_keeps_cycle_count(client, demo, session, login_as):
    login_as("admin")
    html = _post(client, "/admin/cycles/copy", {"source": str(demo.cycle.id), "year": "abc"}).get_data(
        as_text=True)
    assert 'id="year-error"' in html
    assert cycle_of(session, 1405) is None
    session.commit()


def test_create_cycle_shows_every_error_at_once(client, demo, session, login_as):
    login_as("admin")
    data = {"year": "۱۴۰۴", "title": "دورهٔ تازه", **TIMELINE_1405, "evaluation_close_at": "۱۴۰۵/۰۳/۱۰",
            "ceremony_at": "1405/13/10"}
    html = _post(client, "/admin/cycles/new", data).get_data(as_text=True)
    assert 'id="ceremony_at-error"' in html and "تاریخ شمسی معتبر نیست" in html
    assert 'id="year-error"' in html and 'id="evaluation_close_at-error"' in html
    assert read(session, select(func.count(Cycle.id))) == 1
