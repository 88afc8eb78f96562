"""Every results route against every role, the member rule for unseen scores, and the page's content."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from awards import clock
from awards.enums import CommitteeCode
from awards.models import Award, TieResolution
from tests.conftest import csrf_token
from tests.factories import seal_winners_minutes, sign_off_all
from tests.results.conftest import (
    AFTER_EVALUATION,
    DURING_EVALUATION,
    cluster,
    nomination_named,
    score_plan,
    seat,
)

CARPET, TILES, SAFFRON = "خوشه فرش دستباف کاشان", "خوشه کاشی و سرامیک میبد", "خوشه زعفران تربت حیدریه"


def _get_paths(cid: int) -> list[str]:
    return [f"/results/{cid}", f"/results/{cid}/export.xlsx", f"/results/{cid}/export.csv",
            f"/results/{cid}/export.csv?table=sheets"]


def _post_paths(session, cid: int) -> list[str]:
    key = min(nomination_named(session, n).id for n in (CARPET, TILES))
    return [f"/results/{cid}/propose", f"/results/{cid}/confirm", f"/results/{cid}/ties/{key}",
            f"/results/{cid}/signoff/media", f"/results/{cid}/signoff/media/withdraw"]


def _sealed(session) -> None:
    """Sealed winners' minutes ranking the cluster's current result, committed (a proposal needs them)."""
    session.expire_all()  # the test's session keeps loaded rows (and seats) across commits
    seal_winners_minutes(session, cluster(session))
    session.commit()
    session.expire_all()


def _post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/results/"), **(data or {})})


# ---------------------------------------------------------------------------------------------------------------
# Anonymous and province officers
# ---------------------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_everywhere(scored, client, session):
    cid = cluster(session).id
    for path in ["/results/", *_get_paths(cid)]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]
    token = csrf_token(client, "/login")
    for path in _post_paths(session, cid):
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_province_officer_is_forbidden_everywhere(scored, client, session, login_as):
    cid = cluster(session).id
    login_as("fars")
    for path in ["/results/", *_get_paths(cid)]:
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/")
    for path in _post_paths(session, cid):
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path


def test_unknown_category_is_404(scored, client, login_as):
    login_as("admin")
    assert client.get("/results/999999").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# The member rule: no one sitting on a committee sees others' scores before evaluation closes
# ---------------------------------------------------------------------------------------------------------------


def test_member_sees_status_but_no_scores_during_evaluation(scored, client, session, login_as):
    clock.freeze(DURING_EVALUATION)
    cid = cluster(session).id
    login_as("media-1")
    index = client.get("/results/")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert f"/results/{cid}" not in html
    assert "پس از پایان ارزیابی" in html
    for path in _get_paths(cid):
        assert client.get(path).status_code == 403, path


def test_member_who_submitted_everything_still_waits_for_evaluation_to_close(scored, client, session, login_as):
    # media-1 has submitted every sheet of the category; the rule is the phase, so nothing leaks via a reopen.
    clock.freeze(DURING_EVALUATION)
    login_as("media-1")
    assert client.get(f"/results/{cluster(session).id}").status_code == 403


def test_member_sees_results_after_evaluation_closes(scored, client, session, login_as):
    cid = cluster(session).id
    login_as("media-1")
    assert f"/results/{cid}" in client.get("/results/").get_data(as_text=True)
    for path in _get_paths(cid):
        assert client.get(path).status_code == 200, path
    token = csrf_token(client, "/results/")
    for path in _post_paths(session, cid):
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path


def test_organizer_who_sits_on_a_committee_is_bound_by_the_member_rule(scored, client, session, login_as):
    seat(session, username="admin", code=CommitteeCode.MEDIA)
    session.commit()
    clock.freeze(DURING_EVALUATION)
    login_as("admin")
    assert client.get(f"/results/{cluster(session).id}").status_code == 403


def test_organizer_sees_results_during_evaluation(scored, client, session, login_as):
    clock.freeze(DURING_EVALUATION)
    login_as("admin")
    for path in _get_paths(cluster(session).id):
        assert client.get(path).status_code == 200, path


# ---------------------------------------------------------------------------------------------------------------
# Winners chair and organizer actions
# ---------------------------------------------------------------------------------------------------------------


def test_page_shows_scores_flags_and_statistics(scored, client, session, login_as):
    login_as("winners-chair")
    html = client.get(f"/results/{cluster(session).id}").get_data(as_text=True)
    assert "table-responsive" in html
    assert CARPET in html and "تندیس زرین ملی و لوح تقدیر" in html
    assert "نرمال‌شده:" in html  # winners normalises in the demo: raw and normalised both shown
    assert "ICC(2,k)" in html and "۳ نامزد × ۳ داور = ۹ برگه" in html
    assert "پیشنهاد نتیجه" in html
    assert "تأیید و نهایی‌کردن نتیجه" not in html


def test_page_flags_incomplete_and_ineligible(demo, client, session, login_as):
    clock.freeze(DURING_EVALUATION)
    score_plan(session, {CARPET: [Decimal("0.8")] * 3})
    tiles = nomination_named(session, TILES)
    tiles.state = "ineligible"
    tiles.ineligible_reason = "مفاصاحساب بیمه ارائه نشده است"
    session.commit()
    login_as("admin")
    html = client.get(f"/results/{cluster(session).id}").get_data(as_text=True)
    assert "فاقد صلاحیت" in html and "مفاصاحساب بیمه ارائه نشده است" in html
    assert "ناقص" in html and "۰ از ۳ برگه" in html


def test_chair_proposes_then_organizer_confirms(scored, client, session, login_as):
    sign_off_all(session, cluster(session))
    session.commit()
    cid = cluster(session).id
    _sealed(session)
    login_as("winners-chair")
    response = _post(client, f"/results/{cid}/propose")
    assert response.status_code == 302
    assert "پیشنهاد شد" in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/results/")})
    login_as("admin")
    page = client.get(f"/results/{cid}").get_data(as_text=True)
    assert 'data-confirm="' in page and "تأیید و نهایی‌کردن نتیجه" in page
    response = _post(client, f"/results/{cid}/confirm")
    assert response.status_code == 302
    html = client.get(f"/results/{cid}").get_data(as_text=True)
    assert "1404-CLUSTER-001" in html and "1404-CLUSTER-002" in html
    session.rollback()
    assert cluster(session).result_digest in html
    assert cluster(session).result_digest in client.get("/results/").get_data(as_text=True)


def test_chair_cannot_confirm_and_organizer_cannot_propose(scored, client, session, login_as):
    cid = cluster(session).id
    login_as("winners-chair")
    assert _post(client, f"/results/{cid}/confirm").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/results/")})
    login_as("admin")
    assert _post(client, f"/results/{cid}/propose").status_code == 403


def test_confirm_without_proposal_is_flashed(scored, client, session, login_as):
    cid = cluster(session).id
    login_as("admin")
    response = _post(client, f"/results/{cid}/confirm")
    assert response.status_code == 302
    assert "هنوز رئیس کمیتهٔ برگزیدگان نتیجه‌ای پیشنهاد نکرده است" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    assert cluster(session).finalised_at is None


def test_same_person_cannot_propose_and_confirm(scored, client, session, login_as):
    seat(session, username="admin", code=CommitteeCode.WINNERS, chair=True)
    sign_off_all(session, cluster(session))
    session.commit()
    cid = cluster(session).id
    _sealed(session)
    login_as("admin")
    assert _post(client, f"/results/{cid}/propose").status_code == 302
    page = client.get(f"/results/{cid}").get_data(as_text=True)
    assert "دبیر دیگری باید آن را تأیید کند" in page
    response = _post(client, f"/results/{cid}/confirm")
    assert "پیشنهاددهندهٔ نتیجه نمی‌تواند" in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    assert cluster(session).finalised_at is None


def test_confirm_twice_gives_one_set_of_awards(scored, client, session, login_as):
    sign_off_all(session, cluster(session))
    session.commit()
    cid = cluster(session).id
    _sealed(session)
    login_as("winners-chair")
    _post(client, f"/results/{cid}/propose")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/results/")})
    login_as("admin")
    _post(client, f"/results/{cid}/confirm")
    response = _post(client, f"/results/{cid}/confirm")
    assert "پیش‌تر نهایی شده است" in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Award)) == 2


def test_propose_without_csrf_is_refused(scored, client, session, login_as):
    login_as("winners-chair")
    assert client.post(f"/results/{cluster(session).id}/propose").status_code == 400
    session.rollback()
    assert cluster(session).proposed_at is None


def test_chair_cannot_propose_during_evaluation(scored, client, session, login_as):
    clock.freeze(DURING_EVALUATION)
    login_as("winners-chair")
    assert _post(client, f"/results/{cluster(session).id}/propose").status_code == 403
    session.rollback()
    assert cluster(session).proposed_at is None


# ---------------------------------------------------------------------------------------------------------------
# Ties through the page
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def tied(demo, session):
    clock.freeze(DURING_EVALUATION)
    score_plan(session, {CARPET: [Decimal("0.8")] * 3, TILES: [Decimal("0.8")] * 3,
                         SAFFRON: [Decimal("0.6")] * 3})
    session.commit()
    clock.freeze(AFTER_EVALUATION)
    return sorted([nomination_named(session, CARPET).id, nomination_named(session, TILES).id])


def _tie_data(tied, order, justification):
    prefix = f"tie-{min(tied)}"
    data = {f"{prefix}-positions-{i}": str(nid) for i, nid in enumerate(order)}
    data[f"{prefix}-justification"] = justification
    return prefix, data


def _tie_post(client, cid, tied, order, justification):
    prefix, data = _tie_data(tied, order, justification)
    page = client.get(f"/results/{cid}").get_data(as_text=True)
    token = re.search(rf'id="{prefix}-csrf_token" name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page)
    data[f"{prefix}-csrf_token"] = token.group(1) if token else csrf_token(client, "/results/")
    return client.post(f"/results/{cid}/ties/{min(tied)}", data=data)


def test_tie_flag_and_form_for_chair(tied, client, session, login_as):
    login_as("winners-chair")
    html = client.get(f"/results/{cluster(session).id}").get_data(as_text=True)
    assert "هم‌امتیاز" in html and "ثبت ترتیب" in html
    assert "disabled" in html  # the propose button waits for the tie


def test_tie_form_hidden_from_organizer(tied, client, session, login_as):
    login_as("admin")
    html = client.get(f"/results/{cluster(session).id}").get_data(as_text=True)
    assert "هم‌امتیاز" in html and "ثبت ترتیب" not in html


def test_chair_resolves_tie_through_form(tied, client, session, login_as):
    sign_off_all(session, cluster(session))  # the ordering of a tie is no part of any committee's scoring
    session.commit()
    cid = cluster(session).id
    login_as("winners-chair")
    response = _tie_post(client, cid, tied, [tied[1], tied[0]], "رشد صادرات بیشتر")
    assert response.status_code == 302
    session.rollback()
    resolution = session.scalar(select(TieResolution))
    assert resolution.ordered_nomination_ids == [tied[1], tied[0]]
    assert resolution.justification == "رشد صادرات بیشتر"
    _sealed(session)
    assert _post(client, f"/results/{cid}/propose").status_code == 302
    session.rollback()
    assert cluster(session).proposed_at is not None


def test_tie_form_without_justification_keeps_input(tied, client, session, login_as):
    cid = cluster(session).id
    login_as("winners-chair")
    response = _tie_post(client, cid, tied, [tied[1], tied[0]], "")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "دلیل این ترتیب را بنویسید." in html
    assert f'<option selected value="{tied[1]}">' in html
    session.rollback()
    assert session.scalar(select(func.count()).select_from(TieResolution)) == 0


def test_tie_form_with_duplicate_is_refused_beside_field(tied, client, session, login_as):
    cid = cluster(session).id
    login_as("winners-chair")
    response = _tie_post(client, cid, tied, [tied[0], tied[0]], "دلیل")
    assert response.status_code == 200
    assert "فقط یک‌بار" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(TieResolution)) == 0


@pytest.mark.parametrize("username", ["winners-1", "admin"])
def test_tie_post_by_others_than_the_chair_is_forbidden(tied, client, session, login_as, username):
    login_as(username)
    response = _tie_post(client, cluster(session).id, tied, tied, "دلیل")
    assert response.status_code == 403


def test_results_nav_link_for_members(scored, client, login_as):
    login_as("content-2")
    assert 'href="/results/"' in client.get("/").get_data(as_text=True)
