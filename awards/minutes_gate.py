"""The gates that need sealed minutes: a category's proposal and the award budget's approval.

PROCESS.md: "A category's result is proposed only with sealed minutes of the winners committee that contain it",
and "the finance chair approves [the budget] in a meeting". A low module (models, errors and SQLAlchemy only),
like ``awards.guards``: ``awards.results`` calls :func:`require_sealed_ranking` from ``propose`` and
``awards.budget`` calls :func:`require_sealed_budget` from its approval, while the minutes themselves
(``awards.meetings``) sit above both, since recording a ranking reads the result. The digest compared is the
proposal's own (``awards.results.services.digest`` of the result without serials), which the ranking decision
stored when it was recorded; the amount compared is the budget's total in rials.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import i18n
from awards.enums import CommitteeCode, DecisionKind, MeetingState
from awards.errors import DomainError
from awards.models import Category, Committee, Meeting, MeetingDecision


class MinutesMissing(DomainError):
    """No sealed minutes of the winners committee rank the category's current result."""


class BudgetMinutesMissing(DomainError):
    """No sealed minutes of the finance committee record the budget's amount."""


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


def require_sealed_budget(session: Session, *, cycle_id: int, total: int | Decimal) -> Meeting:
    """Return the sealed finance minutes of the cycle with a budget decision of ``total`` rials; refuse otherwise.

    Any such minutes will do (the latest first). Refused when there are no sealed minutes with a budget decision,
    or, naming the latest such meeting and both amounts, when none records this very total (the lines or the
    award counts changed since the meeting).
    """
    rows = session.execute(
        select(Meeting, MeetingDecision.amount)
        .join(MeetingDecision, MeetingDecision.meeting_id == Meeting.id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(MeetingDecision.kind == DecisionKind.BUDGET, Meeting.cycle_id == cycle_id,
               Meeting.state == MeetingState.SEALED, Committee.code == CommitteeCode.FINANCE)
        .order_by(Meeting.sealed_at.desc(), MeetingDecision.id.desc())
    ).all()
    wanted = Decimal(total)
    for meeting, amount in rows:
        if amount is not None and Decimal(amount) == wanted:
            return meeting
    if not rows:
        raise BudgetMinutesMissing(_("تأیید بودجه به صورتجلسهٔ مهر و موم‌شدهٔ کمیتهٔ مالی نیاز دارد که بودجه را با "
                                     "همین مبلغ تصویب کرده باشد؛ نخست رئیس کمیتهٔ مالی صورتجلسه را با مصوبهٔ "
                                     "بودجه ثبت کند و همهٔ حاضران آن را امضا کنند."))
    meeting, amount = rows[0]
    if amount is None:
        raise BudgetMinutesMissing(_(
            "مصوبهٔ بودجه در صورتجلسهٔ %(number)s مبلغی ندارد، اما جمع بودجه %(total)s ریال است؛ این مبلغ را در "
            "صورتجلسهٔ کمیتهٔ مالی تصویب کنید.", number=meeting.number, total=i18n.number(int(wanted))))
    raise BudgetMinutesMissing(_(
        "صورتجلسهٔ %(number)s بودجه را با مبلغ %(recorded)s ریال تصویب کرده است، اما جمع کنونی بودجه %(total)s "
        "ریال است؛ این مبلغ را در صورتجلسهٔ کمیتهٔ مالی تصویب کنید.",
        number=meeting.number, recorded=i18n.number(int(amount)), total=i18n.number(int(wanted))))
