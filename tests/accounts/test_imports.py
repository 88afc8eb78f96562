"""The user import: a good file makes accounts, seats and links; any bad row saves nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from awards.imports.sheets import MSG_FORMULA
from awards.models import AuditEvent, Membership, User
from tests.accounts.conftest import HEADERS, counts, post_import, user_file, user_row
from tests.conftest import csrf_token


def _user(session, username: str) -> User | None:
    try:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            _ = user.province, [m.committee for m in user.memberships]
            session.expunge(user)
        return user
    finally:
        session.rollback()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_users_good_file_creates_accounts_seats_and_links(client, login_as, session, cycle_id, kind):
    login_as("admin")
    before = counts(session)
    filename, data = user_file([
        user_row("fars.new", full_name="مريم احمدي", email="M.Ahmadi@Example.ir", mobile="۰۹۱۷۱۲۳۴۵۶۷"),
        user_row("judge.one", role="committee_member", province="", committee="media", full_name="رضا کریمی"),
        user_row("boss", role="organizer", province="", full_name="سارا نیک‌نام"),
    ], kind=kind)
    response = post_import(client, filename, data, cycle_id)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tokens = re.findall(r"/set-password/([A-Za-z0-9_-]+)", html)
    assert len(set(tokens)) == 3
    assert response.headers["Cache-Control"] == "no-store"

    officer, judge, boss = (_user(session, name) for name in ("fars.new", "judge.one", "boss"))
    assert (officer.province.iso_code, officer.email, officer.mobile, officer.full_name) == (
        "IR-07", "m.ahmadi@example.ir", "09171234567", "مریم احمدی")
    assert [(m.committee.code.value, m.cycle_id, m.is_chair) for m in judge.memberships] == [("media", cycle_id, False)]
    assert (boss.is_organizer, boss.province_id, officer.is_organizer) == (True, None, False)
    assert not any(u.must_change_password for u in (officer, judge, boss))
    after = counts(session)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (3, 1, 3)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "import.users")))
    assert len(events) == 1 and events[0].changes["rows"] == [None, 3]
    assert not any(token in str(e.changes) for e in session.scalars(select(AuditEvent)) for token in tokens)


def test_import_users_one_bad_row_saves_nothing(client, login_as, session, cycle_id):
    login_as("admin")
    before = counts(session)
    filename, data = user_file([
        user_row("good.one"),
        user_row("Bad Name!"),
        user_row("good.two", email="not-an-email"),
    ])
    response = post_import(client, filename, data, cycle_id)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "هیچ ردیفی ذخیره نشد" in html
    assert "نشانی ایمیل معتبر نیست" in html and "نام کاربری فقط از حروف" in html
    assert counts(session) == before
    assert _user(session, "good.one") is None


@pytest.mark.parametrize(("row", "column", "message"), [
    (user_row("x.officer", province="IR-99"), "کد استان", "کد استان ناشناخته است"),
    (user_row("x.judge", role="committee_member", province="", committee="jury"), "کد کمیته",
     "کد کمیته ناشناخته است"),
])
def test_import_users_unknown_code_is_refused(client, login_as, session, cycle_id, row, column, message):
    login_as("admin")
    before = counts(session)
    response = post_import(client, *user_file([user_row("fine.user"), row]), cycle_id)
    html = response.get_data(as_text=True)
    assert message in html
    assert re.search(r"۳</td>\s*<td><span[^>]*>[^<]*</span>" + column, html)
    assert counts(session) == before


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)"])
def test_import_users_formula_cell_is_refused(client, login_as, session, cycle_id, cell):
    login_as("admin")
    before = counts(session)
    response = post_import(client, *user_file([user_row("formula.user", full_name=cell)]), cycle_id)
    assert MSG_FORMULA in response.get_data(as_text=True)
    assert counts(session) == before


def test_import_users_plus98_mobile_is_a_number_not_a_formula(client, login_as, session, cycle_id):
    login_as("admin")
    response = post_import(client, *user_file([user_row("plus.mobile", mobile="+98 917 123 4567")]), cycle_id)
    assert response.status_code == 200
    assert _user(session, "plus.mobile").mobile == "09171234567"


def test_import_users_existing_and_repeated_usernames_are_refused(client, login_as, session, cycle_id):
    login_as("admin")
    before = counts(session)
    html = post_import(client, *user_file([user_row("fars"), user_row("twin"), user_row("twin")]),
                       cycle_id).get_data(as_text=True)
    assert "این نام کاربری پیش‌تر ثبت شده است" in html
    assert "همین نام کاربری در ردیف ۳ هم آمده است" in html
    assert counts(session) == before


def test_import_users_role_without_what_it_needs_is_refused(client, login_as, session, cycle_id):
    login_as("admin")
    before = counts(session)
    html = post_import(client, *user_file([
        user_row("no.province", province=""),
        user_row("no.committee", role="committee_member", province=""),
        user_row("organizer.province", role="organizer"),
        user_row("second.chair", role="committee_member", province="", committee="media", chair="بله"),
        user_row("bad.role", role="king", province=""),
    ]), cycle_id).get_data(as_text=True)
    for message in ("برای کارشناس استان، کد استان را بنویسید", "برای عضو کمیته، کد کمیته را بنویسید",
                    "کد استان فقط برای نقش province_officer است", "این کمیته در دورهٔ انتخاب‌شده رئیس دارد",
                    "نقش ناشناخته است"):
        assert message in html
    assert counts(session) == before


def test_import_users_english_headers_and_a_chair_in_a_cycle_without_one(client, login_as, session, demo):
    from tests.accounts.test_routes import make_cycle

    new_cycle_id = make_cycle(session, 1405)
    login_as("admin")
    lines = [["username", "full_name", "role", "committee_code", "is_chair"],
             ["chair.1405", "علی رئیسی", "عضو کمیته", "finance", "yes"]]
    from tests.imports.conftest import make_csv

    response = post_import(client, "users.csv", make_csv(lines), new_cycle_id)
    assert response.status_code == 200
    chair = _user(session, "chair.1405")
    assert [(m.cycle_id, m.is_chair) for m in chair.memberships] == [(new_cycle_id, True)]


def test_import_users_template_downloads(client, login_as, demo):
    login_as("admin")
    csv_response = client.get("/admin/users/import/template.csv")
    assert csv_response.status_code == 200
    assert csv_response.get_data().decode("utf-8-sig").splitlines()[0] == ",".join(HEADERS)
    xlsx_response = client.get("/admin/users/import/template.xlsx")
    assert (xlsx_response.status_code, xlsx_response.get_data()[:2]) == (200, b"PK")


def test_import_users_links_csv_holds_only_live_links(client, login_as, session, cycle_id):
    login_as("admin")
    html = post_import(client, *user_file([user_row("csv.one"), user_row("csv.two")]), cycle_id).get_data(
        as_text=True)
    tokens = re.findall(r'name="token" value="([^"]+)"', html)
    token = csrf_token(client, "/admin/users")
    response = client.post("/admin/users/links.csv", data={"csrf_token": token, "token": [*tokens, "forged"]})
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[1].startswith("csv.one,") and f"/set-password/{tokens[0]}" in lines[1]


def test_import_users_without_csrf_is_refused(client, login_as, session, cycle_id):
    login_as("admin")
    before = counts(session)
    response = post_import(client, *user_file([user_row("no.csrf")]), cycle_id, with_csrf=False)
    assert response.status_code == 400
    assert counts(session) == before


def test_import_users_memberships_land_in_chosen_cycle(client, login_as, session, cycle_id):
    login_as("admin")
    post_import(client, *user_file([user_row("seat.one", role="committee_member", province="",
                                             committee="content")]), cycle_id)
    try:
        seats = list(session.scalars(select(Membership).join(User).where(User.username == "seat.one")))
        assert [s.cycle_id for s in seats] == [cycle_id]
    finally:
        session.rollback()
