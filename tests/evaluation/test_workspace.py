"""The score sheet as a workspace: the conflict step, previous and next nominee, the running total, submit-and-next."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from awards import clock
from awards.enums import ConflictSource, NominationState, SheetState
from awards.evaluation import queries
from awards.evaluation.forms import show_number
from awards.evaluation.scoring import CriterionSpec, round2, sheet_score
from awards.models import Conflict, Nomination, ScoreSheet
from tests.evaluation.factories import STEEL, committee, criteria, nomination_named, post, sheet_data, sheet_url, user
from tests.screening.conftest import count_statements
from tests.screening.test_queues import bulk_add


def _inbox_ids(session, username: str = "winners-1", code: str = "winners") -> list[int]:
    """The member's whole inbox for the committee, in its order (the reference the neighbours must follow)."""
    member = user(session, username)
    boxes = queries.inbox(session, user=member, cycle=member.memberships[0].cycle, page_size=100_000)
    ids = next([row.nomination.id for row in box.rows] for box in boxes if box.committee.code.value == code)
    session.commit()
    return ids


def _around(session, nomination_id: int, username: str = "winners-1", code: str = "winners") -> queries.Neighbours:
    result = queries.neighbours(session, user=user(session, username), committee=committee(session, code),
                                nomination=session.get(Nomination, nomination_id))
    session.commit()
    return result


def _conflict(session, nomination_id: int, username: str = "winners-1") -> None:
    session.add(Conflict(nomination_id=nomination_id, user_id=user(session, username).id,
                         source=ConflictSource.DECLARED, reason="خویشاوند", created_at=clock.now()))
    session.commit()


# ---------------------------------------------------------------------------------------------- neighbours


def test_neighbours_follow_the_inbox_order_with_position_and_total(session, demo):
    bulk_add(session, demo, 6, state=NominationState.IN_EVALUATION)
    ids = _inbox_ids(session)
    assert len(ids) >= 7
    for index, nomination_id in enumerate(ids):
        around = _around(session, nomination_id)
        assert around == queries.Neighbours(
            previous_id=ids[index - 1] if index else None,
            next_id=ids[index + 1] if index + 1 < len(ids) else None,
            position=index + 1, total=len(ids))


def test_neighbours_skip_a_nomination_the_member_has_a_conflict_with(session, demo):
    bulk_add(session, demo, 5, state=NominationState.IN_EVALUATION)
    ids = _inbox_ids(session)
    _conflict(session, ids[2])
    assert _around(session, ids[1]) == queries.Neighbours(previous_id=ids[0], next_id=ids[3], position=2,
                                                          total=len(ids) - 1)
    assert _around(session, ids[3]).previous_id == ids[1]
    assert _around(session, ids[3], username="winners-2").previous_id == ids[2]  # another member's conflict


def test_neighbours_outside_the_inbox_offer_its_first_nomination(session, demo):
    bulk_add(session, demo, 3, state=NominationState.IN_EVALUATION)
    ids = _inbox_ids(session)
    outside = session.scalar(select(Nomination).where(Nomination.state != NominationState.IN_EVALUATION).limit(1))
    session.commit()
    assert _around(session, outside.id) == queries.Neighbours(next_id=ids[0], total=len(ids))


def test_neighbours_take_the_same_statements_at_10_and_200_nominations(session, demo):
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    middle = _inbox_ids(session)[5]

    def statements() -> list[str]:
        member, winners, nomination = user(session, "winners-1"), committee(session, "winners"), session.get(
            Nomination, middle)
        with count_statements() as seen:
            queries.neighbours(session, user=member, committee=winners, nomination=nomination)
        session.commit()
        return seen

    few = statements()
    bulk_add(session, demo, 190, state=NominationState.IN_EVALUATION, start=10)
    many = statements()
    assert len(many) == len(few)
    assert len([s for s in few if s.lstrip().upper().startswith("SELECT")]) == 3


def test_sheet_page_statements_do_not_grow_with_the_inbox(client, session, demo, login_as):
    login_as("winners-1")
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    url = sheet_url(session.get(Nomination, _inbox_ids(session)[3]))
    client.get(url)  # the first load may flag conflicts for the new nominations: not what is measured
    with count_statements() as few:
        assert client.get(url).status_code == 200
    bulk_add(session, demo, 190, state=NominationState.IN_EVALUATION, start=10)
    client.get(url)
    with count_statements() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_sheet_links_to_previous_and_next_with_a_counter(client, session, demo, login_as):
    login_as("winners-1")
    ids = _inbox_ids(session)
    html = client.get(f"/evaluation/{ids[1]}/winners").get_data(as_text=True)
    assert f'href="/evaluation/{ids[0]}/winners"' in html and 'accesskey="p"' in html
    assert f'href="/evaluation/{ids[2]}/winners"' in html and 'accesskey="n"' in html
    assert "نامزد ۲ از " + show_number(len(ids)) in html
    assert 'id="sheet-keys" class="visually-hidden"' in html


# ---------------------------------------------------------------------------------------------- conflict step


def test_conflict_step_comes_first_on_a_sheet_never_saved(client, session, demo, login_as):
    login_as("winners-1")
    html = client.get(sheet_url(nomination_named(session, STEEL))).get_data(as_text=True)
    assert "آیا با این نامزد تعارض منافع دارید؟" in html
    assert html.index("data-conflict-step") < html.index('id="sheet-form"')
    assert 'href="#sheet-heading" data-conflict-no' in html  # "No" is a link: no GET writes, works without JS
    assert html.count('name="reason"') == 1  # the declaration form, once, inside the step


def test_conflict_step_gives_way_to_a_compact_section_once_a_sheet_exists(client, session, demo, login_as):
    login_as("winners-1")
    steel = nomination_named(session, STEEL)
    assert post(client, sheet_url(steel), sheet_data(session, steel, "1")).status_code == 302
    html = client.get(sheet_url(steel)).get_data(as_text=True)
    assert "data-conflict-step" not in html
    assert "conflict-compact" in html and html.count('name="reason"') == 1


def test_a_get_of_the_sheet_writes_no_sheet(client, session, demo, login_as):
    login_as("winners-1")
    steel = nomination_named(session, STEEL)
    client.get(sheet_url(steel) + "#sheet-heading")
    assert session.scalar(select(ScoreSheet.id).where(ScoreSheet.nomination_id == steel.id,
                                                      ScoreSheet.member_id == user(session, "winners-1").id)) is None
    session.commit()


# ---------------------------------------------------------------------------------------------- running total


def _server_figure(session, nomination, texts: list[str]) -> Decimal:
    rows = criteria(session, nomination)
    specs = [CriterionSpec(id=c.id, committee="winners", max_points=c.max_points, weight=c.weight) for c in rows]
    return round2(sheet_score({c.id: Decimal(t) for c, t in zip(rows, texts, strict=True)}, specs))


def test_running_total_starts_from_the_servers_sheet_score(client, session, demo, login_as):
    login_as("winners-1")
    steel = nomination_named(session, STEEL)
    rows = criteria(session, steel)
    texts = [str(Decimal(c.max_points) / 2 - Decimal("0.5")) for c in rows]  # halves, not round figures
    typed = [t.replace(".", "٫").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) for t in texts]
    assert post(client, sheet_url(steel), sheet_data(session, steel, typed)).status_code == 302
    html = client.get(sheet_url(steel)).get_data(as_text=True)
    expected = show_number(_server_figure(session, steel, texts))
    assert re.search(r"<span data-total-value>([^<]*)</span>", html).group(1) == expected
    for c in rows:  # what the page's script computes from: exact max points and weights, in Latin digits
        assert f'data-max="{c.max_points}"' in html and f'data-weight="{c.weight}"' in html
    assert "این عدد چگونه حساب می‌شود؟" in html and 'aria-live="polite"' in html


def test_running_total_counts_an_empty_criterion_as_zero(client, session, demo, login_as):
    login_as("winners-1")
    steel = nomination_named(session, STEEL)
    rows = criteria(session, steel)
    texts = [str(rows[0].max_points)] + [""] * (len(rows) - 1)
    assert post(client, sheet_url(steel), sheet_data(session, steel, texts)).status_code == 302
    html = client.get(sheet_url(steel)).get_data(as_text=True)
    figure = _server_figure(session, steel, [texts[0]] + ["0"] * (len(rows) - 1))
    assert re.search(r"<span data-total-value>([^<]*)</span>", html).group(1) == show_number(figure)


# ---------------------------------------------------------------------------------------------- submit and next


def test_submit_and_next_submits_through_the_service_then_opens_the_next_sheet(client, session, demo, login_as):
    login_as("winners-1")
    ids = _inbox_ids(session)
    first = session.get(Nomination, ids[0])
    response = post(client, sheet_url(first), sheet_data(session, first, "1", action="submit_next"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/evaluation/{ids[1]}/winners")
    sheet = session.scalar(select(ScoreSheet).where(ScoreSheet.nomination_id == ids[0],
                                                    ScoreSheet.member_id == user(session, "winners-1").id))
    assert sheet.state == SheetState.SUBMITTED
    session.commit()
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "برگه ارسال و قفل شد." in html


def test_submit_and_next_at_the_end_of_the_inbox_goes_back_to_the_inbox(client, session, demo, login_as):
    login_as("winners-1")
    last = session.get(Nomination, _inbox_ids(session)[-1])
    html = client.get(sheet_url(last)).get_data(as_text=True)
    assert 'value="submit_next"' not in html
    response = post(client, sheet_url(last), sheet_data(session, last, "1", action="submit_next"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/evaluation/")


def test_submit_and_next_refused_stays_on_the_sheet_with_the_error(client, session, demo, login_as):
    login_as("winners-1")
    first = session.get(Nomination, _inbox_ids(session)[0])
    response = post(client, sheet_url(first), sheet_data(session, first, "999", action="submit_next"))
    assert response.status_code == 200
    assert "بیشترین نمرهٔ این معیار" in response.get_data(as_text=True)


def test_a_submitted_sheet_offers_the_next_nominee_prominently(client, session, demo, login_as):
    login_as("winners-1")
    ids = _inbox_ids(session)
    first = session.get(Nomination, ids[0])
    post(client, sheet_url(first), sheet_data(session, first, "1", action="submit"))
    html = client.get(sheet_url(first)).get_data(as_text=True)
    assert f'<a class="btn btn-primary btn-sm" href="/evaluation/{ids[1]}/winners">' in html
