"""The gate a category's proposal passes: sealed minutes of the winners committee that rank this very result.

PROCESS.md: "A category's result is proposed only with sealed minutes of the winners committee that contain it."
A low module (models, errors and SQLAlchemy only), like ``awards.guards``: ``awards.results`` calls it from
``propose``, while the minutes themselves (``awards.meetings``) sit above results, since recording a ranking reads
the result. The digest compared is the proposal's own (``awards.results.services.digest`` of the result without
serials), which the ranking decision stored when it was recorded.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards.enums import CommitteeCode, DecisionKind, MeetingState
from awards.errors import DomainError
from awards.models import Category, Committee, Meeting, MeetingDecision


class MinutesMissing(DomainError):
    """No sealed minutes of the winners committee rank the category's current result."""


def require_sealed_ranking(session: Session, *, category: Category, result_digest: str) -> Meeting:
    """Return the sealed winners' minutes whose ranking of ``category`` has ``result_digest``; refuse otherwise.

    Any such minutes will do (a result that changed and changed back matches its first meeting again). Refused
    with the latest sealed meeting's number when the result changed since, or when there are no such minutes.
    """
    rows = session.execute(
        select(Meeting, MeetingDecision.result_digest)
        .join(MeetingDecision, MeetingDecision.meeting_id == Meeting.id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(MeetingDecision.category_id == category.id, MeetingDecision.kind == DecisionKind.CATEGORY_RANKING,
               Meeting.cycle_id == category.cycle_id, Meeting.state == MeetingState.SEALED,
               Committee.code == CommitteeCode.WINNERS)
        .order_by(Meeting.sealed_at.desc(), MeetingDecision.id.desc())
    ).all()
    for meeting, recorded in rows:
        if recorded == result_digest:
            return meeting
    if not rows:
        raise MinutesMissing(_("پیشنهاد نتیجه به صورتجلسهٔ مهر و موم‌شدهٔ کمیتهٔ برگزیدگان نیاز دارد که رتبه‌بندی "
                               "این رشته را در بر داشته باشد؛ نخست صورتجلسه را ثبت کنید و همهٔ حاضران آن را امضا "
                               "کنند."))
    raise MinutesMissing(_("نتیجهٔ این رشته پس از جلسهٔ %(number)s تغییر کرده است؛ رتبه‌بندی کنونی را دوباره در "
                           "صورتجلسه ثبت کنید.", number=rows[0][0].number))
