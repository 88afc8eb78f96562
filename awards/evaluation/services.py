"""Committee evaluation: score sheets, conflicts of interest and the assignment of reviewers.

Functions are keyword-only, take model objects and the acting user, flush but never commit, and raise
``DomainError`` subclasses whose message the route shows as it is. Every service that changes a sheet, a score,
a conflict or an assignment first locks the category row and refuses a finalised category
(:func:`awards.guards.lock_open_category`), so nothing slips in beside a finalisation.

Scoring window (a choice PROCESS.md leaves open): a member may score a nomination from the moment it is
``in_evaluation`` (screening may accept dossiers while nominations are still open) until the cycle's
``evaluation_close_at`` (which an organizer may extend), and never once its category is final.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import record
from awards.enums import CommitteeCode, ConflictSource, NominationState, SheetState
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.evaluation.conflicts import active_conflict, conflicted_pairs
from awards.guards import lock_open_category
from awards.models import (
    Assignment,
    Category,
    CategoryCommittee,
    Committee,
    Conflict,
    Criterion,
    Membership,
    Nomination,
    Score,
    ScoreSheet,
    User,
)
from awards.persian import normalize_text, persian_number

#: Nominations a member may score (see the module docstring for the scoring window).
SCORABLE_STATES = frozenset({NominationState.IN_EVALUATION})
HALF = Decimal("0.5")


class FormErrors(DomainError):
    """Several fields refused at once: ``errors`` maps a field key to its Persian message."""

    def __init__(self, errors: dict, message: str | None = None) -> None:
        super().__init__(message or _("لطفاً خطاهای مشخص‌شده را برطرف کنید."))
        self.errors = errors


def _fa(value: Decimal | int) -> str:
    """Format a score or maximum for a message, in the reader's digits: 20, 12.5 (never 12.50)."""
    value = Decimal(value)
    value = Decimal(int(value)) if value == value.to_integral_value() else value.normalize()
    return persian_number(value, grouping=False) if i18n.persian_ui() else format(value, "f")


# --------------------------------------------------------------------------------------------------------------
# Committees and criteria
# --------------------------------------------------------------------------------------------------------------


def _plain_score(value: Decimal | None) -> str | None:
    """Write a value for the audit log the same way on every backend: 10, 12.5."""
    return None if value is None else format(Decimal(value).normalize(), "f")


def criteria_of(session: Session, *, category_id: int, committee_id: int) -> list[Criterion]:
    """Return a committee's criteria in a category, in rubric order."""
    return list(session.scalars(
        select(Criterion)
        .where(Criterion.category_id == category_id, Criterion.committee_id == committee_id)
        .order_by(Criterion.position, Criterion.id)
    ))


def committee_setting(session: Session, *, category_id: int, committee_id: int) -> CategoryCommittee | None:
    return session.scalar(select(CategoryCommittee).where(CategoryCommittee.category_id == category_id,
                                                          CategoryCommittee.committee_id == committee_id))


def members_of(session: Session, *, cycle_id: int, committee_id: int) -> list[User]:
    """Return the committee's members in the cycle, by id."""
    return list(session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.cycle_id == cycle_id, Membership.committee_id == committee_id, User.active.is_(True))
        .order_by(User.id)
    ))


def _is_assigned(session: Session, *, nomination_id: int, committee_id: int, user_id: int) -> bool:
    return session.scalar(select(Assignment.id).where(
        Assignment.nomination_id == nomination_id, Assignment.committee_id == committee_id,
        Assignment.member_id == user_id)) is not None


# --------------------------------------------------------------------------------------------------------------
# Score sheets
# --------------------------------------------------------------------------------------------------------------


def check_scoring_allowed(session: Session, *, nomination: Nomination, committee: Committee, actor: User,
                          criteria: list[Criterion]) -> None:
    """Refuse with the reason when ``actor`` may not score ``nomination`` for ``committee`` now."""
    if not permissions.can_score(actor, nomination, committee):
        raise PermissionDenied(_("شما عضو این کمیته در این دوره نیستید."))
    if not criteria:
        raise DomainError(_("این کمیته برای این رشته معیار امتیازدهی ندارد."))
    if nomination.state not in SCORABLE_STATES:
        raise InvalidTransition(_("امتیازدهی فقط برای پرونده‌های در حال ارزیابی ممکن است."))
    if clock.now() >= nomination.cycle.evaluation_close_at:
        raise PhaseClosed(_("مهلت ارزیابی این دوره پایان یافته است."))
    if active_conflict(session, nomination_id=nomination.id, user_id=actor.id) is not None:
        raise PermissionDenied(_("شما با این نامزد تعارض منافع دارید و نمی‌توانید به آن امتیاز دهید."))
    setting = committee_setting(session, category_id=nomination.category_id, committee_id=committee.id)
    if setting is not None and setting.reviewers_per_nomination and not _is_assigned(
            session, nomination_id=nomination.id, committee_id=committee.id, user_id=actor.id):
        raise PermissionDenied(_("این پرونده برای داوری به شما واگذار نشده است."))


def sheet_access(session: Session, *, nomination: Nomination, committee: Committee, actor: User) -> str | None:
    """Say why a member may not even open this sheet (a conflict, or not assigned when k is set), or None."""
    if active_conflict(session, nomination_id=nomination.id, user_id=actor.id) is not None:
        return _("شما با این نامزد تعارض منافع دارید و برگهٔ آن برایتان باز نمی‌شود.")
    setting = committee_setting(session, category_id=nomination.category_id, committee_id=committee.id)
    if setting is not None and setting.reviewers_per_nomination and not _is_assigned(
            session, nomination_id=nomination.id, committee_id=committee.id, user_id=actor.id):
        has_sheet = session.scalar(select(ScoreSheet.id).where(
            ScoreSheet.nomination_id == nomination.id, ScoreSheet.committee_id == committee.id,
            ScoreSheet.member_id == actor.id))
        if has_sheet is None:
            return _("این پرونده برای داوری به شما واگذار نشده است.")
    return None


def scoring_refusal(session: Session, *, nomination: Nomination, committee: Committee, actor: User,
                    criteria: list[Criterion]) -> str | None:
    """Say why the sheet is read-only now (phase, state, final category, ...), or None when it can be edited."""
    if nomination.category.finalised_at is not None:
        return _("نتایج این رشته نهایی شده است.")
    try:
        check_scoring_allowed(session, nomination=nomination, committee=committee, actor=actor, criteria=criteria)
    except DomainError as error:
        return error.message
    return None


def check_value(value: Decimal, max_points: Decimal) -> str | None:
    """Return the Persian reason a score value is refused (range 0..max, steps of 0.5), or None."""
    if value < 0:
        return _("نمره نمی‌تواند منفی باشد.")
    if value > max_points:
        return _("بیشترین نمرهٔ این معیار %(max)s است.", max=_fa(max_points))
    if (value / HALF) != (value / HALF).to_integral_value():
        return _("نمره باید عدد درست یا با گام نیم باشد (مثلاً ۱۲ یا ۱۲٫۵).")
    return None


def _get_or_create_sheet(session: Session, *, nomination: Nomination, committee: Committee,
                         actor: User) -> tuple[ScoreSheet, bool]:
    """Return the member's sheet for the nomination and committee, locked; create it once even under races."""
    query = (select(ScoreSheet).where(ScoreSheet.nomination_id == nomination.id,
                                      ScoreSheet.committee_id == committee.id, ScoreSheet.member_id == actor.id)
             .with_for_update().execution_options(populate_existing=True))
    sheet = session.scalar(query)
    if sheet is not None:
        return sheet, False
    try:
        with session.begin_nested():
            sheet = ScoreSheet(nomination_id=nomination.id, committee_id=committee.id, member_id=actor.id,
                               state=SheetState.DRAFT, comment="")
            session.add(sheet)
            session.flush()
    except IntegrityError:  # a racing request created it first: use theirs
        return session.scalar(query), False
    return sheet, True


def save_sheet(session: Session, *, nomination: Nomination, committee: Committee, actor: User,
               values: dict[int, Decimal | None], comment: str, submit: bool) -> ScoreSheet:
    """Save the member's draft sheet, or submit it (every criterion scored), which locks it.

    ``values`` maps criterion id to a parsed value (None: not scored yet). Refuses a member who may not score
    (see :func:`check_scoring_allowed`), a submitted sheet, and values outside 0..max or off the half steps
    (:class:`FormErrors` keyed by criterion id). Side effects: creates the sheet on first save (one per member,
    nomination and committee, also under racing requests), writes its scores, and appends an audit event with
    each changed value.
    """
    if not permissions.can_score(actor, nomination, committee):
        raise PermissionDenied(_("شما عضو این کمیته در این دوره نیستید."))
    lock_open_category(session, category=nomination.category)
    criteria = criteria_of(session, category_id=nomination.category_id, committee_id=committee.id)
    check_scoring_allowed(session, nomination=nomination, committee=committee, actor=actor, criteria=criteria)
    sheet, created = _get_or_create_sheet(session, nomination=nomination, committee=committee, actor=actor)
    if sheet.state == SheetState.SUBMITTED:
        raise InvalidTransition(_("این برگه ارسال و قفل شده است؛ فقط رئیس کمیته می‌تواند آن را بازگشایی کند."))

    judged = [c for c in criteria if not c.is_computed]  # a computed criterion's points are never typed
    if errors := _sheet_value_errors(judged, values, submit=submit):
        raise FormErrors(errors)

    changes = _write_scores(sheet, judged, values)
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
        record(session, actor=actor, action="sheet.submit" if submit else "sheet.save", object_type="score_sheet",
               object_id=sheet.id, nomination_id=nomination.id, cycle_id=nomination.cycle_id,
               province_id=nomination.province_id, changes={"committee": [None, committee.code], **changes})
    return sheet


def _sheet_value_errors(criteria: list[Criterion], values: dict[int, Decimal | None], *,
                        submit: bool) -> dict[int, str]:
    """Per criterion id: a value outside 0..max or off the half steps, or (to submit) a missing one."""
    errors: dict[int, str] = {}
    for criterion in criteria:
        value = values.get(criterion.id)
        if value is None:
            if submit:
                errors[criterion.id] = _("برای ارسال، به این معیار نمره دهید.")
            continue
        if (reason := check_value(value, criterion.max_points)) is not None:
            errors[criterion.id] = reason
    return errors


def _write_scores(sheet: ScoreSheet, criteria: list[Criterion], values: dict[int, Decimal | None],
                  score_class: type = Score) -> dict[str, list]:
    """Add, change or drop the sheet's scores to match ``values``; return the audited changes per criterion.

    ``score_class`` is the row a new value becomes (the provincial round's sheets hold ``ProvincialScore``)."""
    existing = {score.criterion_id: score for score in sheet.scores}
    changes: dict[str, list] = {}
    for criterion in criteria:
        value = values.get(criterion.id)
        score = existing.get(criterion.id)
        before = score.value if score is not None else None
        if value is None:
            if score is not None:
                sheet.scores.remove(score)
        elif score is None:
            sheet.scores.append(score_class(criterion_id=criterion.id, value=value, max_points=criterion.max_points))
        else:
            score.value = value
            score.max_points = criterion.max_points
        if (before is None) != (value is None) or (value is not None and before != value):
            changes[f"criterion:{criterion.id}"] = [_plain_score(before), _plain_score(value)]
    return changes


#: The sheet rules, shared with the provincial round's sheets (awards.provincial.sheets).
sheet_value_errors = _sheet_value_errors
write_scores = _write_scores


def reopen_sheet(session: Session, *, sheet: ScoreSheet, actor: User, reason: str) -> ScoreSheet:
    """Let the chair send a submitted sheet back to draft, with the reason, while evaluation is open."""
    reason = normalize_text(reason or "")
    nomination = sheet.nomination
    if not permissions.can_reopen_sheet(actor, sheet):
        raise PermissionDenied(_("فقط رئیس همین کمیته می‌تواند برگه را بازگشایی کند."))
    if not reason:
        raise DomainError(_("دلیل بازگشایی را بنویسید."), field="reason")
    if clock.now() >= nomination.cycle.evaluation_close_at:
        raise PhaseClosed(_("مهلت ارزیابی پایان یافته است؛ برای بازگشایی، دبیرخانه باید مهلت را تمدید کند."))
    lock_open_category(session, category=nomination.category)
    session.refresh(sheet, with_for_update=True)
    if sheet.state != SheetState.SUBMITTED:
        raise InvalidTransition(_("فقط برگهٔ ارسال‌شده بازگشایی می‌شود."))
    sheet.state = SheetState.DRAFT
    sheet.submitted_at = None
    sheet.reopened_reason = reason
    sheet.updated_at = clock.now()
    session.flush()
    record(session, actor=actor, action="sheet.reopen", object_type="score_sheet", object_id=sheet.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"state": [SheetState.SUBMITTED, SheetState.DRAFT]}, reason=reason)
    return sheet


# --------------------------------------------------------------------------------------------------------------
# Conflicts of interest (the rule flags and the lookups live in awards.evaluation.conflicts)
# --------------------------------------------------------------------------------------------------------------


def declare_conflict(session: Session, *, nomination: Nomination, actor: User, reason: str) -> Conflict:
    """Record a member's own declaration; the nomination leaves their inbox and they cannot score it."""
    reason = normalize_text(reason or "")
    if not permissions.can_declare_conflict(actor, nomination):
        raise PermissionDenied(_("فقط اعضای کمیته‌های این دوره تعارض منافع اعلام می‌کنند."))
    if not reason:
        raise DomainError(_("دلیل تعارض منافع را بنویسید."), field="reason")
    if len(reason) > 1000:
        raise DomainError(_("دلیل حداکثر ۱۰۰۰ نویسه است."), field="reason")
    lock_open_category(session, category=nomination.category)
    exists = session.scalar(select(Conflict.id).where(
        Conflict.nomination_id == nomination.id, Conflict.user_id == actor.id,
        Conflict.source == ConflictSource.DECLARED))
    if exists is not None:
        raise InvalidTransition(_("پیش‌تر برای این نامزد تعارض منافع اعلام کرده‌اید."))
    conflict = Conflict(nomination_id=nomination.id, user_id=actor.id, source=ConflictSource.DECLARED,
                        reason=reason, created_at=clock.now())
    session.add(conflict)
    session.flush()
    record(session, actor=actor, action="conflict.declare", object_type="conflict", object_id=conflict.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"user_id": [None, actor.id], "source": [None, ConflictSource.DECLARED]}, reason=reason)
    return conflict


def override_conflict(session: Session, *, conflict: Conflict, actor: User, reason: str) -> Conflict:
    """Let an organizer lift a rule flag, with a recorded reason; a declared conflict is never lifted."""
    reason = normalize_text(reason or "")
    if not permissions.can_manage_conflicts(actor):
        raise PermissionDenied(_("فقط دبیرخانه می‌تواند پرچم تعارض را نادیده بگیرد."))
    if conflict.source == ConflictSource.DECLARED:
        raise InvalidTransition(_("تعارضی که خود عضو اعلام کرده است لغوشدنی نیست."))
    if not reason:
        raise DomainError(_("دلیل نادیده‌گرفتن پرچم را بنویسید."), field="reason")
    nomination = session.get(Nomination, conflict.nomination_id)
    lock_open_category(session, category=nomination.category)
    session.refresh(conflict, with_for_update=True)
    if conflict.overridden_at is not None:
        raise InvalidTransition(_("این پرچم پیش‌تر نادیده گرفته شده است."))
    conflict.overridden_at = clock.now()
    conflict.overridden_by_id = actor.id
    conflict.override_reason = reason
    session.flush()
    record(session, actor=actor, action="conflict.override", object_type="conflict", object_id=conflict.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"overridden": [False, True], "user_id": [conflict.user_id, conflict.user_id]}, reason=reason)
    return conflict


# --------------------------------------------------------------------------------------------------------------
# Assignment of reviewers
# --------------------------------------------------------------------------------------------------------------


@dataclass
class AssignmentReport:
    """What a balanced assignment did: counts, and the nominations left with fewer than k reviewers."""

    k: int
    created: int = 0
    removed: int = 0
    short: list[tuple[Nomination, int]] = field(default_factory=list)  # (nomination, reviewers it got)


def _check_assignable(session: Session, *, category: Category, committee: Committee, actor: User) -> None:
    if not permissions.can_manage_assignments(actor):
        raise PermissionDenied(_("فقط دبیرخانه داوران را واگذار می‌کند."))
    if committee.code == CommitteeCode.OVERSIGHT or not criteria_of(
            session, category_id=category.id, committee_id=committee.id):
        raise DomainError(_("این کمیته برای این رشته معیار امتیازدهی ندارد."))
    lock_open_category(session, category=category)


def _nominations_to_assign(session: Session, *, category: Category) -> list[Nomination]:
    return list(session.scalars(
        select(Nomination).where(Nomination.category_id == category.id,
                                 Nomination.state == NominationState.IN_EVALUATION).order_by(Nomination.id)
    ))


def _member_loads(session: Session, *, cycle_id: int, committee: Committee, members: list[int]) -> dict[int, int]:
    """Member id -> assignments in this committee across the cycle (0 for a member without any)."""
    load: dict[int, int] = dict.fromkeys(members, 0)
    counted = session.execute(
        select(Assignment.member_id, func.count())
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .where(Nomination.cycle_id == cycle_id, Assignment.committee_id == committee.id)
        .group_by(Assignment.member_id)
    ).all()
    for member_id, count in counted:
        if member_id in load:
            load[member_id] = count
    return load


def _current_assignments(session: Session, *, committee: Committee,
                         nominations: list[Nomination]) -> dict[int, list[Assignment]]:
    """Nomination id -> its existing assignments in this committee."""
    current: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in session.scalars(select(Assignment).where(
            Assignment.committee_id == committee.id,
            Assignment.nomination_id.in_([n.id for n in nominations]))):
        current[assignment.nomination_id].append(assignment)
    return current


def _store_reviewers_per_nomination(session: Session, *, category: Category, committee: Committee,
                                    k: int) -> int | None:
    """Set k on the committee's settings in the category (creating a weightless row); return the old k."""
    setting = committee_setting(session, category_id=category.id, committee_id=committee.id)
    if setting is None:
        setting = CategoryCommittee(category_id=category.id, committee_id=committee.id, weight=Decimal("0"))
        session.add(setting)
    before_k = setting.reviewers_per_nomination
    setting.reviewers_per_nomination = k
    return before_k


def assign_balanced(session: Session, *, category: Category, committee: Committee, k: int,
                    actor: User) -> AssignmentReport:
    """Give each nomination in evaluation k reviewers of the committee, evening out the members' loads.

    Greedy: nominations in id order; each takes the eligible members with the smallest load (assignments in
    this committee across the cycle), ties broken by user id. Existing assignments are kept (a member may have
    started a sheet) and count towards k, except those of members now conflicted, which are removed. A member
    with an active conflict is never assigned; a nomination with fewer than k eligible members gets them all
    and is reported. Stores k as the committee's ``reviewers_per_nomination`` in the category.
    """
    if not isinstance(k, int) or k < 1:
        raise DomainError(_("تعداد داوران هر نامزد باید عددی مثبت باشد."), field="k")
    _check_assignable(session, category=category, committee=committee, actor=actor)
    nominations = _nominations_to_assign(session, category=category)
    members = [m.id for m in members_of(session, cycle_id=category.cycle_id, committee_id=committee.id)]
    if not members:
        raise DomainError(_("این کمیته در این دوره عضوی ندارد."))
    conflicts = conflicted_pairs(session, nomination_ids=[n.id for n in nominations])

    load = _member_loads(session, cycle_id=category.cycle_id, committee=committee, members=members)
    current = _current_assignments(session, committee=committee, nominations=nominations)

    report = AssignmentReport(k=k)
    created_pairs: list[list[int]] = []
    for nomination in nominations:
        kept = []
        for assignment in current[nomination.id]:
            if (nomination.id, assignment.member_id) in conflicts or assignment.member_id not in load:
                session.delete(assignment)
                if assignment.member_id in load:
                    load[assignment.member_id] -= 1
                report.removed += 1
            else:
                kept.append(assignment.member_id)
        eligible = [m for m in members if (nomination.id, m) not in conflicts and m not in kept]
        need = max(0, k - len(kept))
        chosen = sorted(eligible, key=lambda m: (load[m], m))[:need]
        for member_id in chosen:
            session.add(Assignment(nomination_id=nomination.id, committee_id=committee.id, member_id=member_id))
            load[member_id] += 1
            created_pairs.append([nomination.id, member_id])
        report.created += len(chosen)
        if len(kept) + len(chosen) < k:
            report.short.append((nomination, len(kept) + len(chosen)))

    before_k = _store_reviewers_per_nomination(session, category=category, committee=committee, k=k)
    session.flush()
    record(session, actor=actor, action="assignment.balance", object_type="category", object_id=category.id,
           cycle_id=category.cycle_id,
           changes={"committee": [None, committee.code], "reviewers_per_nomination": [before_k, k],
                    "created": [None, created_pairs], "removed": [None, report.removed],
                    "short": [None, [[n.id, got] for n, got in report.short]]})
    return report


def add_assignment(session: Session, *, nomination: Nomination, committee: Committee, member: User,
                   actor: User) -> Assignment:
    """Assign one member by hand; refused for a non-member, a conflicted member or a duplicate."""
    _check_assignable(session, category=nomination.category, committee=committee, actor=actor)
    if nomination.state != NominationState.IN_EVALUATION:
        raise InvalidTransition(_("فقط پرونده‌های در حال ارزیابی داور می‌گیرند."))
    if member.id not in {m.id for m in members_of(session, cycle_id=nomination.cycle_id,
                                                   committee_id=committee.id)}:
        raise DomainError(_("این کاربر عضو این کمیته در این دوره نیست."), field="member_id")
    if active_conflict(session, nomination_id=nomination.id, user_id=member.id) is not None:
        raise DomainError(_("این عضو با این نامزد تعارض منافع دارد."), field="member_id")
    if _is_assigned(session, nomination_id=nomination.id, committee_id=committee.id, user_id=member.id):
        raise DomainError(_("این عضو پیش‌تر داور این نامزد است."), field="member_id")
    assignment = Assignment(nomination_id=nomination.id, committee_id=committee.id, member_id=member.id)
    session.add(assignment)
    session.flush()
    record(session, actor=actor, action="assignment.add", object_type="assignment", object_id=assignment.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"committee": [None, committee.code], "member_id": [None, member.id]})
    return assignment


def remove_assignment(session: Session, *, assignment: Assignment, actor: User) -> None:
    """Take a member off a nomination by hand; refused once their sheet is submitted."""
    nomination = session.get(Nomination, assignment.nomination_id)
    committee = session.get(Committee, assignment.committee_id)
    _check_assignable(session, category=nomination.category, committee=committee, actor=actor)
    submitted = session.scalar(select(ScoreSheet.id).where(
        ScoreSheet.nomination_id == nomination.id, ScoreSheet.committee_id == committee.id,
        ScoreSheet.member_id == assignment.member_id, ScoreSheet.state == SheetState.SUBMITTED))
    if submitted is not None:
        raise InvalidTransition(_("این عضو برگهٔ خود را ارسال کرده است؛ واگذاری را نمی‌توان برداشت."))
    record(session, actor=actor, action="assignment.remove", object_type="assignment", object_id=assignment.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"committee": [committee.code, None], "member_id": [assignment.member_id, None]})
    session.delete(assignment)
    session.flush()
