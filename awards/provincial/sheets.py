"""Provincial scoring: the organizer's provincial rubric per category, and the working group's sheets.

The rules are the national ones, reused rather than copied: values are checked by
:func:`awards.evaluation.services.sheet_value_errors` (0..max, half steps, every criterion to submit) and written
by :func:`~awards.evaluation.services.write_scores`; conflicts are the rows of ``conflicts`` (declared, or flagged
by :func:`awards.evaluation.conflicts.flag_provincial_conflicts`); the numbers go through
:func:`awards.evaluation.scoring.compute_category` (see :mod:`awards.provincial.ranking`).

A member scores the submitted dossiers of their province while provincial scoring is open (and a dossier returned
by national screening and resubmitted, until screening closes, so the group can forward it again). A submitted
sheet is locked; the group's chair reopens it with a reason.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from awards import clock, permissions
from awards.audit.services import record
from awards.enums import NominationState, Phase, SheetState
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.evaluation.conflicts import active_conflict
from awards.evaluation.services import FormErrors, sheet_value_errors, write_scores
from awards.guards import ensure_cycle_writable
from awards.models import Category, Nomination, ProvincialCriterion, ProvincialScore, ProvincialSheet, User
from awards.persian import normalize_text

SCORABLE_STATES = frozenset({NominationState.SUBMITTED})


def criteria_of(session: Session, *, category_id: int) -> list[ProvincialCriterion]:
    return list(session.scalars(select(ProvincialCriterion).where(ProvincialCriterion.category_id == category_id)
                                .order_by(ProvincialCriterion.position, ProvincialCriterion.id)))


def _sheets_exist(session: Session, category: Category) -> bool:
    return session.scalar(select(ProvincialSheet.id).join(Nomination, Nomination.id == ProvincialSheet.nomination_id)
                          .where(Nomination.category_id == category.id).limit(1)) is not None


def add_criterion(session: Session, *, category: Category, actor: User, title: str, max_points: Decimal,
                  weight: Decimal, guidance: str = "") -> ProvincialCriterion:
    """Add a line to the category's provincial rubric (before any provincial sheet of the category exists)."""
    if not permissions.can_manage_provincial_round(actor):
        raise PermissionDenied(_("فقط دبیرخانه معیارهای ارزیابی استانی را تعیین می‌کند."))
    ensure_cycle_writable(category.cycle)
    title = normalize_text(title or "")
    if not title:
        raise DomainError(_("عنوان معیار را بنویسید."), field="title")
    if max_points is None or max_points <= 0:
        raise DomainError(_("سقف نمره باید بیش از صفر باشد."), field="max_points")
    if weight is None or weight <= 0:
        raise DomainError(_("وزن باید بیش از صفر باشد."), field="weight")
    if _sheets_exist(session, category):
        raise InvalidTransition(_("ارزیابی استانی این رشته آغاز شده است؛ معیارها دیگر تغییر نمی‌کنند."))
    position = len(criteria_of(session, category_id=category.id))
    criterion = ProvincialCriterion(category_id=category.id, title=title, guidance=normalize_text(guidance or ""),
                                    max_points=max_points, weight=weight, position=position)
    session.add(criterion)
    session.flush()
    record(session, actor=actor, action="provincial.rubric_add", object_type="category", object_id=category.id,
           cycle_id=category.cycle_id, changes={"title": [None, title], "max_points": [None, str(max_points)],
                                                "weight": [None, str(weight)]})
    return criterion


def scoring_refusal(session: Session, *, nomination: Nomination, actor: User) -> DomainError | None:
    """Why ``actor`` may not score ``nomination`` now (the error to raise, its message in Persian), or None."""
    if not permissions.can_score_provincially(actor, nomination):
        return PermissionDenied(_("شما عضو کارگروه استانی این پرونده نیستید."))
    if nomination.state not in SCORABLE_STATES:
        return InvalidTransition(_("این پرونده در دست ارزیابی استانی نیست."))
    phase = nomination.cycle.phase_at(clock.now())
    again = nomination.return_reason is not None and phase is Phase.SCREENING
    if phase is not Phase.PROVINCIAL_SCORING and not again:
        return PhaseClosed(_("مهلت ارزیابی استانی باز نیست."))
    if active_conflict(session, nomination_id=nomination.id, user_id=actor.id) is not None:
        return PermissionDenied(_("شما با این نامزد تعارض منافع دارید و نمی‌توانید به آن نمره دهید."))
    return None


def sheet_of(session: Session, *, nomination: Nomination, member: User) -> ProvincialSheet | None:
    return session.scalar(select(ProvincialSheet).where(ProvincialSheet.nomination_id == nomination.id,
                                                        ProvincialSheet.member_id == member.id))


def _sheet_for_writing(session: Session, *, nomination: Nomination, actor: User) -> tuple[ProvincialSheet, bool]:
    query = (select(ProvincialSheet).where(ProvincialSheet.nomination_id == nomination.id,
                                           ProvincialSheet.member_id == actor.id)
             .with_for_update().execution_options(populate_existing=True))
    sheet = session.scalar(query)
    if sheet is not None:
        return sheet, False
    try:
        with session.begin_nested():
            sheet = ProvincialSheet(nomination_id=nomination.id, member_id=actor.id, state=SheetState.DRAFT,
                                    comment="")
            session.add(sheet)
            session.flush()
    except IntegrityError:  # a racing request created it first
        return session.scalar(query), False
    return sheet, True


def save_sheet(session: Session, *, nomination: Nomination, actor: User, values: dict[int, Decimal | None],
               comment: str, submit: bool) -> ProvincialSheet:
    """Save the member's draft sheet on the provincial rubric, or submit it (every criterion scored), locking it."""
    ensure_cycle_writable(nomination.cycle)
    if (refusal := scoring_refusal(session, nomination=nomination, actor=actor)) is not None:
        raise refusal
    criteria = criteria_of(session, category_id=nomination.category_id)
    if not criteria:
        raise DomainError(_("دبیرخانه هنوز معیارهای ارزیابی استانی این رشته را تعیین نکرده است."))
    sheet, created = _sheet_for_writing(session, nomination=nomination, actor=actor)
    if sheet.state == SheetState.SUBMITTED:
        raise InvalidTransition(_("این برگه ارسال و قفل شده است؛ فقط رئیس کارگروه می‌تواند آن را بازگشایی کند."))
    if errors := sheet_value_errors(criteria, values, submit=submit):
        raise FormErrors(errors)
    changes = write_scores(sheet, criteria, values, score_class=ProvincialScore)
    comment = normalize_text(comment or "")
    if comment != sheet.comment:
        changes["comment"] = [sheet.comment, comment]
        sheet.comment = comment
    now = clock.now()
    if submit:
        changes["state"] = [sheet.state, SheetState.SUBMITTED]
        sheet.state = SheetState.SUBMITTED
        sheet.submitted_at = now
    sheet.updated_at = now
    session.flush()
    if changes or created:
        record(session, actor=actor, action="provincial.sheet_submit" if submit else "provincial.sheet_save",
               object_type="provincial_sheet", object_id=sheet.id, nomination_id=nomination.id,
               cycle_id=nomination.cycle_id, province_id=nomination.province_id, changes=changes)
    return sheet
