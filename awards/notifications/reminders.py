"""Deadline reminders: 7, 3 and 1 days before each deadline, to whoever still has work due, never twice.

Run daily by the job consumer (:func:`awards.notifications.tasks.send_reminders`). Each run sends, per cycle and
deadline, the most urgent threshold already reached (so a missed day is caught up the next day); the dedupe key
``reminder:<cycle>:<deadline>:<days>`` (unique per user) keeps a second run, or a second consumer, from sending
the same reminder again. Each recipient reads it in their own language. Statements grow with the number of
open cycles only (two per cycle and deadline).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session

from awards import clock, i18n
from awards.enums import CommitteeCode, NominationState, SheetState
from awards.evaluation.queries import CITATION_STATES
from awards.labels import TIMELINE_FIELD_LABELS
from awards.models import Assignment, Citation, Committee, Cycle, Membership, Nomination, ScoreSheet, User
from awards.notifications import kinds
from awards.notifications.services import notify
from awards.persian import format_jalali_datetime

DAYS_BEFORE = (7, 3, 1)


def _drafts_due(cycle: Cycle) -> Select:
    """Province officers whose province still has a draft dossier in the cycle."""
    drafts = select(Nomination.province_id).where(Nomination.cycle_id == cycle.id,
                                                   Nomination.state == NominationState.DRAFT)
    return select(User.id).where(User.province_id.in_(drafts))


def _sheets_due(cycle: Cycle) -> Select:
    """Members with a draft score sheet, or an assignment without a submitted sheet, on a dossier in evaluation."""
    in_evaluation = and_(Nomination.cycle_id == cycle.id, Nomination.state == NominationState.IN_EVALUATION)
    drafts = (select(ScoreSheet.member_id).join(Nomination, Nomination.id == ScoreSheet.nomination_id)
              .where(in_evaluation, ScoreSheet.state == SheetState.DRAFT))
    submitted = exists().where(ScoreSheet.nomination_id == Assignment.nomination_id,
                               ScoreSheet.committee_id == Assignment.committee_id,
                               ScoreSheet.member_id == Assignment.member_id,
                               ScoreSheet.state == SheetState.SUBMITTED)
    unstarted = (select(Assignment.member_id).join(Nomination, Nomination.id == Assignment.nomination_id)
                 .where(in_evaluation, ~submitted))
    return select(User.id).where(User.id.in_(drafts.union(unstarted)))


def _citations_due(cycle: Cycle) -> Select:
    """The content committee of the cycle, while a dossier that needs a citation has none."""
    missing = exists().where(Nomination.cycle_id == cycle.id, Nomination.state.in_(CITATION_STATES),
                             ~exists().where(Citation.nomination_id == Nomination.id))
    content = (select(Membership.user_id).join(Committee, Committee.id == Membership.committee_id)
               .where(Membership.cycle_id == cycle.id, Committee.code == CommitteeCode.CONTENT))
    return select(User.id).where(User.id.in_(content), missing)


#: Deadline (a timeline field) → who still has work due before it.
DEADLINES: dict[str, Callable[[Cycle], Select]] = {
    "nominations_close_at": _drafts_due,
    "evaluation_close_at": _sheets_due,
    "results_final_at": _citations_due,
}

_WORK = {
    "nominations_close_at": lambda: _("پرونده‌های پیش‌نویس استان را پیش از این مهلت ارسال کنید."),
    "evaluation_close_at": lambda: _("برگه‌های امتیاز ارسال‌نشدهٔ خود را پیش از این مهلت کامل و ارسال کنید."),
    "results_final_at": lambda: _("متن لوح برخی نامزدها هنوز نوشته نشده است."),
}
_LINKS = {"nominations_close_at": "/nominations/", "evaluation_close_at": "/evaluation/",
          "results_final_at": "/evaluation/citations"}


def due_threshold(deadline: datetime, now: datetime) -> int | None:
    """The most urgent of 7, 3 and 1 days reached before ``deadline`` at ``now`` (None: too early or past)."""
    if now >= deadline:
        return None
    left = deadline - now
    for days in sorted(DAYS_BEFORE):
        if left <= timedelta(days=days):
            return days
    return None


def reminder_text(cycle: Cycle, deadline_name: str) -> tuple[Callable[[], str], Callable[[], str], str | None]:
    """Title and body of a reminder about ``cycle``'s ``deadline_name``, each made in the locale it is called in
    (so every recipient reads their own language and digits), and its link."""
    deadline = getattr(cycle, deadline_name)

    def title() -> str:
        label = str(TIMELINE_FIELD_LABELS.get(deadline_name, deadline_name))
        when = format_jalali_datetime(deadline, persian_digits=i18n.persian_ui())
        return _("یادآوری: %(deadline)s در %(when)s", deadline=label, when=when)

    def body() -> str:
        work = _WORK.get(deadline_name)
        return work() if work else ""

    return title, body, _LINKS.get(deadline_name)


def run_reminders(session: Session, *, now: datetime | None = None) -> int:
    """Create the reminders due at ``now`` (default: the app clock); flushes, never commits. Returns how many."""
    now = now or clock.now()
    created = 0
    cycles = session.scalars(select(Cycle).where(Cycle.archived_at.is_(None), Cycle.results_final_at > now)
                             .order_by(Cycle.id))
    for cycle in cycles.all():
        for field, recipients in DEADLINES.items():
            days = due_threshold(getattr(cycle, field), now)
            if days is None:
                continue
            title, body, link = reminder_text(cycle, field)
            created += notify(session, user_ids=recipients(cycle), kind=kinds.REMINDER, title=title, body=body,
                              link=link, dedupe_key=f"reminder:{cycle.id}:{field}:{days}")
    session.flush()
    return created
