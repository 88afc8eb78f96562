"""Reads of the minutes: a meeting with everything its page and PDF print, lists per committee and per working
group, and the minutes that rank a category (the results page links them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from awards.enums import CommitteeCode, DecisionKind
from awards.models import (
    Category,
    Committee,
    Cycle,
    Meeting,
    MeetingAttendee,
    MeetingDecision,
    Membership,
    ProvincialGroup,
)


def load_meeting(session: Session, meeting_id: int) -> Meeting | None:
    """The meeting with its cycle, body (committee or working group and its province), attendees and decisions (and
    their categories): four queries."""
    return session.scalar(
        select(Meeting).where(Meeting.id == meeting_id)
        .options(joinedload(Meeting.cycle), joinedload(Meeting.committee), joinedload(Meeting.provincial_group),
                 selectinload(Meeting.attendees), selectinload(Meeting.decisions).joinedload(MeetingDecision.category))
    )


def meeting_by_token(session: Session, token: str) -> Meeting | None:
    return session.scalar(select(Meeting).where(Meeting.token == token)
                          .options(joinedload(Meeting.cycle), joinedload(Meeting.committee),
                                   joinedload(Meeting.provincial_group)))


def committee_by_code(session: Session, code: str) -> Committee | None:
    try:
        value = CommitteeCode(code)
    except ValueError:
        return None
    return session.scalar(select(Committee).where(Committee.code == value))


def committees(session: Session) -> list[Committee]:
    return list(session.scalars(select(Committee).order_by(Committee.position, Committee.id)))


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    attendees: int
    signed: int
    decisions: int


def meetings_of(session: Session, *, cycle: Cycle, committee_ids: list[int]) -> dict[int, list[MeetingRow]]:
    """Each committee's meetings in the cycle, newest number first, with attendee, signature and decision counts
    (three statements however many meetings there are)."""
    meetings = list(session.scalars(
        select(Meeting).where(Meeting.cycle_id == cycle.id, Meeting.committee_id.in_(committee_ids))
        .order_by(Meeting.sequence.desc())
    ))
    grouped: dict[int, list[MeetingRow]] = {cid: [] for cid in committee_ids}
    for row in _rows(session, meetings):
        grouped[row.meeting.committee_id].append(row)
    return grouped


def meetings_of_group(session: Session, *, group: ProvincialGroup) -> list[MeetingRow]:
    """A working group's meetings, newest number first, with their counts (three statements)."""
    return _rows(session, list(session.scalars(
        select(Meeting).where(Meeting.provincial_group_id == group.id).order_by(Meeting.sequence.desc()))))


def _rows(session: Session, meetings: list[Meeting]) -> list[MeetingRow]:
    ids = [m.id for m in meetings]
    people = {mid: (total, signed) for mid, total, signed in session.execute(
        select(MeetingAttendee.meeting_id, func.count(), func.count(MeetingAttendee.signed_at))
        .where(MeetingAttendee.meeting_id.in_(ids)).group_by(MeetingAttendee.meeting_id))}
    decided = dict(session.execute(
        select(MeetingDecision.meeting_id, func.count()).where(MeetingDecision.meeting_id.in_(ids))
        .group_by(MeetingDecision.meeting_id)).all())
    rows = []
    for meeting in meetings:
        total, signed = people.get(meeting.id, (0, 0))
        rows.append(MeetingRow(meeting, total, signed, decided.get(meeting.id, 0)))
    return rows


def seated_count(session: Session, *, cycle: Cycle, committee: Committee) -> int:
    return session.scalar(select(func.count()).select_from(Membership)
                          .where(Membership.cycle_id == cycle.id, Membership.committee_id == committee.id)) or 0


def ranking_minutes(session: Session, *, category: Category) -> list[tuple[Meeting, str]]:
    """Minutes of the cycle that rank ``category`` (any state), newest first, with the digest each recorded."""
    return [(meeting, recorded) for meeting, recorded in session.execute(
        select(Meeting, MeetingDecision.result_digest)
        .join(MeetingDecision, MeetingDecision.meeting_id == Meeting.id)
        .where(MeetingDecision.category_id == category.id, MeetingDecision.kind == DecisionKind.CATEGORY_RANKING,
               Meeting.cycle_id == category.cycle_id)
        .order_by(Meeting.sequence.desc(), MeetingDecision.id.desc())
    ).all()]
