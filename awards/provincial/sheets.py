"""Provincial scoring: the organizer's provincial rubric per category, and the working group's sheets.

The rules are the national ones, reused rather than copied: values are checked by
:func:`awards.evaluation.services.sheet_value_errors` (0..max, half steps, every criterion to submit) and written
by :func:`~awards.evaluation.services.write_scores`; conflicts are the rows of ``conflicts`` (declared, or flagged
by :func:`awards.evaluation.conflicts.flag_provincial_conflicts`); the numbers go through
:func:`awards.evaluation.scoring.compute_category` (see :mod:`awards.provincial.ranking`).

A member scores the submitted dossiers of their province while provincial scoring is open (and a dossier returned
by national screening and resubmitted, until screening closes, so the group can forward it again). A submitted
sheet is locked; the group's chair reopens it with a reason while provincial scoring is open, unless a forwarding
decision of the category has already used it (:func:`reopen_sheet`).

The rubric of a category freezes once any provincial sheet of the category exists: until then the organizer adds,
edits, reorders and removes its lines (:func:`add_criterion`, :func:`update_rubric`). Both take the category row's
lock, and a sheet save holds it shared (PostgreSQL: FOR UPDATE / FOR SHARE) before it reads the criteria, so a first
sheet and a rubric edit cannot cross.
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
from awards.evaluation.rubric import CriterionInput, audit_value, criterion_errors
from awards.evaluation.services import FormErrors, sheet_value_errors, write_scores
from awards.guards import ensure_cycle_writable, lock_category
from awards.models import (
    Category,
    Nomination,
    ProvincialCriterion,
    ProvincialDecision,
    ProvincialScore,
    ProvincialSheet,
    User,
)
from awards.persian import normalize_text
from awards.provincial.queries import group_of

SCORABLE_STATES = frozenset({NominationState.SUBMITTED})


def criteria_of(session: Session, *, category_id: int) -> list[ProvincialCriterion]:
    return list(session.scalars(select(ProvincialCriterion).where(ProvincialCriterion.category_id == category_id)
                                .order_by(ProvincialCriterion.position, ProvincialCriterion.id)))


def _sheets_exist(session: Session, category: Category) -> bool:
    return session.scalar(select(ProvincialSheet.id).join(Nomination, Nomination.id == ProvincialSheet.nomination_id)
                          .where(Nomination.category_id == category.id).limit(1)) is not None


def _frozen() -> InvalidTransition:
    """The refusal once a category's provincial rubric is frozen."""
    return InvalidTransition(_("ارزیابی استانی این رشته آغاز شده است؛ معیارها دیگر تغییر نمی‌کنند."))


def rubric_frozen(session: Session, *, category: Category) -> bool:
    """The category's provincial rubric is frozen: a provincial sheet (draft or submitted) of the category exists."""
    return _sheets_exist(session, category)


def _hold_rubric(session: Session, category_id: int) -> None:
    """A sheet save holds the category row shared (PostgreSQL: FOR SHARE), so the rubric cannot change under it;
    saves do not wait for one another. SQLite: the request's write lock already serialises."""
    session.execute(select(Category.id).where(Category.id == category_id).with_for_update(read=True))


def add_criterion(session: Session, *, category: Category, actor: User, title: str, max_points: Decimal,
                  weight: Decimal, guidance: str = "") -> ProvincialCriterion:
    """Add a line to the category's provincial rubric (before any provincial sheet of the category exists)."""
    if not permissions.can_manage_provincial_round(actor):
        raise PermissionDenied(_("فقط دبیرخانه معیارهای ارزیابی استانی را تعیین می‌کند."))
    ensure_cycle_writable(category.cycle)
    lock_category(session, category=category)
    title = normalize_text(title or "")
    if not title:
        raise DomainError(_("عنوان معیار را بنویسید."), field="title")
    if max_points is None or max_points <= 0:
        raise DomainError(_("سقف نمره باید بیش از صفر باشد."), field="max_points")
    if weight is None or weight <= 0:
        raise DomainError(_("وزن باید بیش از صفر باشد."), field="weight")
    if _sheets_exist(session, category):
        raise _frozen()
    position = max((c.position for c in criteria_of(session, category_id=category.id)), default=-1) + 1
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
    _hold_rubric(session, nomination.category_id)
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


# --- the organizer's edits of a rubric not yet frozen -----------------------------------------------------------

def update_rubric(session: Session, *, category: Category, actor: User,
                  rows: list[CriterionInput]) -> dict[str, list]:
    """Edit the lines of the category's provincial rubric: title, guidance, max points, weight, order, or remove.

    Only before any provincial sheet of the category exists (the rubric freezes with the first sheet, as
    :func:`add_criterion`). Each kept row is checked by the national rubric's rules
    (:func:`awards.evaluation.rubric.criterion_errors`); refusals are :class:`FormErrors` keyed by the rows' form
    field names. ``position`` is an order key: the kept lines are renumbered 0, 1, 2... in its order (ties keep
    the former order). Returns the audited changes ``{key: [before, after]}`` (empty when nothing changed).
    """
    if not permissions.can_manage_provincial_round(actor):
        raise PermissionDenied(_("فقط دبیرخانه معیارهای ارزیابی استانی را تعیین می‌کند."))
    ensure_cycle_writable(category.cycle)
    lock_category(session, category=category)
    if _sheets_exist(session, category):
        raise _frozen()
    criteria = {c.id: c for c in criteria_of(session, category_id=category.id)}
    if errors := _row_errors(rows, criteria):
        raise FormErrors(errors)
    wanted = _wanted_lines(rows, criteria)
    changes: dict[str, list] = {}
    for criterion in criteria.values():
        if criterion.id not in wanted:
            changes[f"criterion:{criterion.id}"] = [{"title": criterion.title}, None]
            continue
        for name, value in wanted[criterion.id].items():
            if getattr(criterion, name) != value:
                changes[f"criterion:{criterion.id}.{name}"] = [audit_value(getattr(criterion, name)),
                                                               audit_value(value)]
    if not changes:
        return changes
    for criterion in criteria.values():
        if criterion.id not in wanted:
            session.delete(criterion)
            continue
        for name, value in wanted[criterion.id].items():
            setattr(criterion, name, value)
    session.flush()
    record(session, actor=actor, action="provincial.rubric_update", object_type="category", object_id=category.id,
           cycle_id=category.cycle_id, changes=changes)
    return changes


def _row_errors(rows: list[CriterionInput], criteria: dict[int, ProvincialCriterion]) -> dict[str, str]:
    """A row naming no line of this rubric, or a kept line the national rules refuse: form field -> message."""
    errors: dict[str, str] = {}
    for row in rows:
        if row.id not in criteria:
            errors[f"{row.prefix}-title"] = _("معیار نامعتبر.")
        elif not row.remove:
            criterion_errors(row, errors)
    return errors


def _wanted_lines(rows: list[CriterionInput], criteria: dict[int, ProvincialCriterion]) -> dict[int, dict]:
    """Criterion id -> its fields as the form wants them, for the kept lines (a line the form does not name is
    kept as it is); positions renumbered 0, 1, 2... in the order the form gives, ties keeping the former order."""
    named = {row.id: row for row in rows}
    kept = [c for c in criteria.values() if c.id not in named or not named[c.id].remove]

    def order_key(criterion: ProvincialCriterion) -> tuple:
        row = named.get(criterion.id)
        wanted = row.position if row is not None and row.position is not None else criterion.position
        return (wanted, criterion.position, criterion.id)

    wanted: dict[int, dict] = {}
    for index, criterion in enumerate(sorted(kept, key=order_key)):
        row = named.get(criterion.id)
        wanted[criterion.id] = {"position": index} if row is None else {
            "title": normalize_text(row.title), "guidance": normalize_text(row.guidance or ""),
            "max_points": row.max_points, "weight": row.weight, "position": index}
    return wanted


# --- the chair reopens a member's sheet -------------------------------------------------------------------------

def reopen_refusal(session: Session, *, sheet: ProvincialSheet, actor: User) -> DomainError | None:
    """Why ``actor`` may not reopen ``sheet`` now (the error to raise), or None. Read without locks: the page's
    hint; :func:`reopen_sheet` asks again under the locks."""
    nomination = sheet.nomination
    group = group_of(session, cycle=nomination.cycle, province_id=nomination.province_id)
    if group is None or not permissions.chairs_provincial_group(actor, group):
        return PermissionDenied(_("فقط رئیس کارگروه استانی همین استان برگه را بازگشایی می‌کند."))
    if nomination.cycle.phase_at(clock.now()) is not Phase.PROVINCIAL_SCORING:
        return PhaseClosed(_("برگهٔ استانی فقط تا پایان ارزیابی استانی بازگشایی می‌شود."))
    if sheet.state != SheetState.SUBMITTED:
        return InvalidTransition(_("فقط برگهٔ ارسال‌شده بازگشایی می‌شود."))
    if nomination.state not in SCORABLE_STATES:
        return InvalidTransition(_("کارگروه دربارهٔ این پرونده تصمیم گرفته است؛ برگهٔ آن بازگشایی نمی‌شود."))
    used = session.scalar(
        select(ProvincialDecision.id).join(Nomination, Nomination.id == ProvincialDecision.nomination_id)
        .where(ProvincialDecision.group_id == group.id, Nomination.category_id == nomination.category_id,
               ProvincialDecision.decided_at >= sheet.submitted_at).limit(1))
    if used is not None:
        return InvalidTransition(_("رئیس کارگروه پس از ارسال این برگه دربارهٔ پرونده‌ای از این رشته تصمیم گرفته "
                                   "است و رتبه‌بندی آن تصمیم این برگه را در بر داشت؛ برگه بازگشایی نمی‌شود."))
    return None


def reopen_sheet(session: Session, *, sheet: ProvincialSheet, actor: User, reason: str) -> ProvincialSheet:
    """Send a member's submitted provincial sheet back to draft, as the chair of the province's working group,
    with the reason (audited, shown to the member on the sheet), while provincial scoring is open.

    A decision already taken is not undone: refused when the dossier has been decided, or when any forwarding
    decision of the category in the province came after the sheet was submitted (its ranking held the sheet).
    """
    reason = normalize_text(reason or "")
    nomination = sheet.nomination
    ensure_cycle_writable(nomination.cycle)
    if isinstance(refusal := reopen_refusal(session, sheet=sheet, actor=actor), PermissionDenied):
        raise refusal
    if not reason:
        raise DomainError(_("دلیل بازگشایی را بنویسید."), field="reason")
    if len(reason) > 1000:
        raise DomainError(_("دلیل حداکثر ۱۰۰۰ نویسه است."), field="reason")
    lock_category(session, category=nomination.category)
    session.refresh(sheet, with_for_update=True)
    session.refresh(nomination)
    if (refusal := reopen_refusal(session, sheet=sheet, actor=actor)) is not None:
        raise refusal
    sheet.state = SheetState.DRAFT
    sheet.submitted_at = None
    sheet.reopened_reason = reason
    sheet.updated_at = clock.now()
    session.flush()
    record(session, actor=actor, action="provincial.sheet_reopen", object_type="provincial_sheet",
           object_id=sheet.id, nomination_id=nomination.id, cycle_id=nomination.cycle_id,
           province_id=nomination.province_id, changes={"state": [SheetState.SUBMITTED, SheetState.DRAFT],
                                                        "member": [sheet.member.username, sheet.member.username]},
           reason=reason)
    return sheet
