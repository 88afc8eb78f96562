"""The scoring, ranking and forwarding pages, through the browser's requests."""

from __future__ import annotations

from sqlalchemy import select

from awards.enums import NominationState
from awards.models import Nomination, ProvincialCriterion, ProvincialSheet
from tests.factories import PASSWORD
from tests.provincial.conftest import DURING_SCORING, add_rubric, move_clock, province_id, send


def test_a_member_scores_through_the_sheet_page(session, round_on, client, login_as):
    criteria = add_rubric(session, round_on.demo)
    move_clock(session, DURING_SCORING)
    login_as("fars-member-1", PASSWORD)
    fars = province_id(session, "IR-07")
    group_page = client.get(f"/provincial/{fars}").get_data(as_text=True)
    assert "برگه‌های امتیاز من" in group_page and "رتبه‌بندی استانی" not in group_page  # no scores while scoring
    url = f"/provincial/nominations/{round_on.clusters[0]}/sheet"
    assert "اثر منطقه‌ای" in client.get(url).get_data(as_text=True)
    refused = send(client, url, {f"c{criteria[0]}": "۱۱", f"c{criteria[1]}": "۵", "action": "submit"}, page=url)
    assert refused.status_code == 200 and "بیشترین نمرهٔ این معیار" in refused.get_data(as_text=True)
    saved = send(client, url, {f"c{criteria[0]}": "۸٫۵", f"c{criteria[1]}": "16", "action": "submit"}, page=url)
    assert saved.status_code == 302
    session.commit()
    sheet = session.scalars(select(ProvincialSheet)).one()
    assert sheet.state.value == "submitted" and sorted(s.value for s in sheet.scores) == [8.5, 16]


def test_the_chair_forwards_from_the_ranking_and_a_missing_justification_shows_beside_it(session, scored, client,
                                                                                          login_as):
    fars = province_id(session, "IR-07")
    login_as("fars-chair", PASSWORD)
    page = client.get(f"/provincial/{fars}").get_data(as_text=True)
    assert "رتبه‌بندی استانی: خوشهٔ صنعتی برتر" in page
    scores = [line.strip() for line in page.splitlines() if "امتیاز استانی" in line and "<td" in line]
    assert scores == [f'<td data-label="امتیاز استانی">{s}</td>' for s in ("۹۰٫۰۰", "۶۰٫۰۰", "۳۰٫۰۰")]
    third = scored.clusters[2]
    refused = send(client, f"/provincial/nominations/{third}/forward", {"justification": ""},
                   page=f"/provincial/{fars}")
    assert refused.status_code == 200
    assert "دلیل معرفی آن را بنویسید" in refused.get_data(as_text=True)
    session.commit()
    assert session.get(Nomination, third).state is NominationState.SUBMITTED
    done = send(client, f"/provincial/nominations/{scored.clusters[0]}/forward", {}, page=f"/provincial/{fars}")
    assert done.status_code == 302
    session.commit()
    session.expire_all()
    assert session.get(Nomination, scored.clusters[0]).state is NominationState.FORWARDED


def test_the_organizer_sets_the_provincial_rubric(session, demo, client, login_as):
    login_as("admin")
    category = demo.categories["cluster"]
    url = f"/provincial/rubric/{category.id}"
    assert send(client, url, {"title": "اثر منطقه‌ای", "max_points": "۱۰", "weight": "1"}, page=url).status_code == 302
    session.commit()
    assert session.scalars(select(ProvincialCriterion.title)).all() == ["اثر منطقه‌ای"]


def test_national_screening_lists_forwarded_dossiers_when_the_round_is_on(session, scored, client, login_as):
    from awards.provincial import forwarding
    from tests.provincial.conftest import DURING_SCREENING

    forwarding.forward(session, nomination=session.get(Nomination, scored.clusters[0]),
                       actor=scored.users["fars-chair"])
    session.commit()
    move_clock(session, DURING_SCREENING)
    login_as("provincial_affairs-chair")
    queue = client.get("/screening/").get_data(as_text=True)
    assert "خوشهٔ گلاب میمند" in queue and "خوشهٔ فرش قشقایی" not in queue
