"""Nomination domain logic: drafts, the one transition function, screening and compliance.

Functions are keyword-only, take model objects and the acting user, flush but never commit, and raise
``DomainError`` subclasses whose message the route shows as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import diff, record, record_many, snapshot
from awards.db import RESULTS_UNCHANGED
from awards.enums import (
    ComplianceOutcome,
    NominationAction,
    NominationState,
    NomineeKind,
    Phase,
    ScreeningOutcome,
)
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.evaluation.conflicts import flag_conflicts_for_nomination, flag_provincial_conflicts
from awards.guards import ensure_cycle_writable
from awards.labels import DOSSIER_FIELD_LABELS
from awards.models import Category, ComplianceDecision, Nomination, ScreeningDecision, User
from awards.nominations.states import (
    EDGES,
    FORWARD_QUOTA_STATES,
    PROVINCIAL_ACTIONS,
    QUOTA_STATES,
    same_results_role,
)
from awards.persian import normalize_search, normalize_text

#: Dossier fields a province officer edits (never state, province or cycle).
DOSSIER_FIELDS = (
    "nominee_name",
    "legal_id",
    "national_code",
    "salutation",
    "representative_name",
    "representative_title",
    "city",
    "sector",
    "founding_year",
    "employees",
    "annual_sales",
    "exports_value",
    "growth_percent",
    "narrative",
    "mobile",
)
SALUTATIONS = (None, "جناب آقای", "سرکار خانم")


#: What a dossier must hold before it can be submitted, by kind of nominee.
REQUIRED_FOR_SUBMIT: dict[NomineeKind, tuple[str, ...]] = {
    NomineeKind.LEGAL_ENTITY: ("nominee_name", "legal_id", "representative_name", "representative_title",
                               "city", "sector", "founding_year", "employees", "annual_sales", "narrative"),
    NomineeKind.CLUSTER: ("nominee_name", "representative_name", "representative_title", "city", "sector",
                          "founding_year", "employees", "narrative"),
    NomineeKind.PROJECT: ("nominee_name", "representative_name", "representative_title", "city", "sector",
                          "narrative"),
    NomineeKind.PERSON: ("nominee_name", "national_code", "city", "sector", "narrative"),
}

FIELD_LABELS_FA = {
    "nominee_name": "نام نامزد",
    "legal_id": "شناسه ملی",
    "national_code": "کد ملی",
    "salutation": "عنوان خطاب",
    "representative_name": "نام نماینده",
    "representative_title": "سمت نماینده",
    "city": "شهر",
    "sector": "بخش فعالیت",
    "founding_year": "سال تأسیس",
    "employees": "تعداد کارکنان",
    "annual_sales": "فروش سالانه",
    "exports_value": "ارزش صادرات",
    "growth_percent": "درصد رشد",
    "narrative": "شرح دستاوردها",
    "mobile": "تلفن همراه",
}

#: The same labels in the reader's language, for messages (FIELD_LABELS_FA also matches import headers).
FIELD_LABELS = DOSSIER_FIELD_LABELS


class IncompleteDossier(DomainError):
    """Submission refused: the listed fields are missing."""

    def __init__(self, missing: dict[str, str]) -> None:
        super().__init__(_("پرونده کامل نیست: %(fields)s.", fields=i18n.join(missing.values())))
        self.missing = missing


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for name in DOSSIER_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = normalize_text(value) or None
        if name == "salutation" and value not in SALUTATIONS:
            raise DomainError(_("عنوان خطاب باید «جناب آقای» یا «سرکار خانم» باشد یا خالی بماند."), field="salutation")
        cleaned[name] = value
    return cleaned


def create_draft(session: Session, *, actor: User, category: Category, values: dict[str, Any]) -> Nomination:
    """Start a draft in the actor's own province; nothing but a name is required yet."""
    if not permissions.can_create_nomination(actor):
        raise PermissionDenied(_("فقط کارشناس استان می‌تواند پرونده بسازد."))
    cycle = category.cycle
    ensure_cycle_writable(cycle)
    if category.retired_at is not None:
        raise DomainError(_("این رشته بازنشسته شده است و پروندهٔ تازه نمی‌پذیرد."), field="category_id")
    phase = cycle.phase_at(clock.now())
    if phase is not Phase.NOMINATION:
        raise PhaseClosed(_("مهلت معرفی نامزد در این دوره باز نیست."))
    cleaned = _clean(values)
    if not cleaned.get("nominee_name"):
        raise DomainError(_("نام نامزد را وارد کنید."), field="nominee_name")
    nomination = Nomination(
        cycle_id=cycle.id,
        category_id=category.id,
        province_id=actor.province_id,
        state=NominationState.DRAFT,
        created_by_id=actor.id,
        **cleaned,
    )
    nomination.search_name = normalize_search(nomination.nominee_name)
    session.add(nomination)
    session.flush()
    record(session, actor=actor, action="nomination.create", object_type="nomination",
           object_id=nomination.id, nomination_id=nomination.id, cycle_id=cycle.id,
           province_id=nomination.province_id,
           changes={name: [None, value] for name, value in cleaned.items() if value is not None})
    return nomination


def update_draft(session: Session, *, actor: User, nomination: Nomination, values: dict[str, Any],
                 category: Category | None = None) -> dict[str, list[Any]]:
    """Save edits to a draft and audit each changed field with its before and after."""
    if not permissions.owns_nomination(actor, nomination):
        raise PermissionDenied(_("این پرونده متعلق به استان شما نیست."))
    ensure_cycle_writable(nomination.cycle)
    if nomination.state != NominationState.DRAFT:
        raise InvalidTransition(_("فقط پیش‌نویس قابل ویرایش است."))
    fields = (*DOSSIER_FIELDS, "category_id")
    before = snapshot(nomination, fields)
    cleaned = _clean(values)
    if "nominee_name" in cleaned and not cleaned["nominee_name"]:
        raise DomainError(_("نام نامزد را وارد کنید."), field="nominee_name")
    for name, value in cleaned.items():
        setattr(nomination, name, value)
    if category is not None and category.id != nomination.category_id:
        if category.cycle_id != nomination.cycle_id:
            raise DomainError(_("این رشته در دورهٔ این پرونده نیست."), field="category_id")
        if category.retired_at is not None:
            raise DomainError(_("این رشته بازنشسته شده است و پروندهٔ تازه نمی‌پذیرد."), field="category_id")
        nomination.category_id = category.id
        nomination.category = category
    nomination.search_name = normalize_search(nomination.nominee_name)
    changes = diff(nomination, fields, before)
    if changes:
        nomination.updated_at = clock.now()
        record(session, actor=actor, action="nomination.edit", object_type="nomination",
               object_id=nomination.id, nomination_id=nomination.id, cycle_id=nomination.cycle_id,
               province_id=nomination.province_id, changes=changes)
    session.flush()
    return changes


def missing_fields(nomination: Nomination) -> dict[str, str]:
    """Name the fields (and evidence) a submission still needs, in Persian."""
    kind = nomination.category.nominee_kind
    missing = {
        name: str(FIELD_LABELS[name])
        for name in REQUIRED_FOR_SUBMIT[kind]
        if getattr(nomination, name) in (None, "")
    }
    if not nomination.documents:
        missing["documents"] = _("دست‌کم یک مدرک پیوست")
    return missing


def _check_phase(action: NominationAction, nomination: Nomination, moment: datetime) -> None:
    phase = nomination.cycle.phase_at(moment)
    # A dossier returned by screening may be fixed and resubmitted until screening closes.
    resubmission = action is NominationAction.SUBMIT and nomination.return_reason is not None
    if resubmission and phase not in (Phase.NOMINATION, Phase.SCREENING):
        raise PhaseClosed(_("مهلت ارسال دوبارهٔ پرونده‌های بازگشتی با پایان غربالگری تمام شده است."))
    if (action in (NominationAction.SUBMIT, NominationAction.WITHDRAW) and not resubmission
            and phase is not Phase.NOMINATION):
        raise PhaseClosed(_("مهلت ارسال و انصراف پرونده‌ها پایان یافته یا هنوز آغاز نشده است."))
    if action in (NominationAction.ACCEPT, NominationAction.RETURN) and phase not in (
        Phase.NOMINATION, Phase.SCREENING
    ):
        raise PhaseClosed(_("مهلت غربالگری پرونده‌ها پایان یافته است."))
    if action is NominationAction.FAIL_COMPLIANCE and phase is Phase.FINAL:
        raise PhaseClosed(_("نتایج این دوره نهایی شده است."))
    if action is NominationAction.SHORTLIST and phase not in (Phase.RESULTS, Phase.EVALUATION):
        raise PhaseClosed(_("رتبه‌بندی فقط پس از آغاز ارزیابی ممکن است."))
    if action in (NominationAction.FORWARD, NominationAction.NOT_FORWARD):
        # A dossier returned by national screening and resubmitted may be forwarded again until screening closes.
        again = nomination.return_reason is not None and phase is Phase.SCREENING
        if phase is not Phase.PROVINCIAL_SELECTION and not again:
            raise PhaseClosed(_("معرفی به دور ملی فقط پس از پایان ارزیابی استانی و تا پایان انتخاب استانی ممکن است."))
    if action is NominationAction.PROVINCIAL_AWARD and phase in (
        Phase.NOT_OPEN, Phase.NOMINATION, Phase.PROVINCIAL_SCORING, Phase.PROVINCIAL_SELECTION
    ):
        raise PhaseClosed(_("جایزهٔ استانی پس از پایان انتخاب استانی داده می‌شود."))


def _check_round(action: NominationAction, nomination: Nomination) -> None:
    """The provincial edges need the round on; with it on, national screening takes forwarded dossiers only."""
    round_on = nomination.cycle.has_provincial_round
    if action in PROVINCIAL_ACTIONS and not round_on:
        raise InvalidTransition(_("دور استانی در این دوره برگزار نمی‌شود."))
    if (round_on and action in (NominationAction.ACCEPT, NominationAction.RETURN)
            and nomination.state is NominationState.SUBMITTED):
        raise InvalidTransition(_("این پرونده هنوز از سوی کارگروه استانی به دور ملی معرفی نشده است."))


def _check_quota(session: Session, nomination: Nomination, states: frozenset[NominationState] = QUOTA_STATES
                 ) -> None:
    # Lock the category row so that two racing submits for the last slot serialise (PostgreSQL);
    # on SQLite the request already holds the write lock (BEGIN IMMEDIATE).
    category = session.scalar(
        select(Category).where(Category.id == nomination.category_id).with_for_update()
    )
    used = session.scalar(
        select(func.count())
        .select_from(Nomination)
        .where(
            Nomination.category_id == nomination.category_id,
            Nomination.province_id == nomination.province_id,
            Nomination.state.in_(states),
            Nomination.id != nomination.id,
        )
    )
    if used >= category.province_quota:
        raise DomainError(
            _("سهمیهٔ استان در رشتهٔ «%(category)s» (%(quota)s نامزد) پر شده است.", category=category.title,
              quota=i18n.number(category.province_quota))
        )


def _before_move(session: Session, nomination: Nomination, action: NominationAction, actor: User,
                 reason: str | None, now: datetime) -> None:
    """The checks and records particular to one edge, taken before the state changes."""
    if action is NominationAction.SUBMIT:
        if missing := missing_fields(nomination):
            raise IncompleteDossier(missing)
        # With the provincial round on, the quota limits forwarding, not submitting.
        if not nomination.cycle.has_provincial_round:
            _check_quota(session, nomination)
        nomination.submitted_at = now
        if not nomination.cycle.has_provincial_round:
            nomination.return_reason = None
    elif action is NominationAction.FORWARD:
        _check_quota(session, nomination, FORWARD_QUOTA_STATES)
        nomination.return_reason = None
    elif action is NominationAction.RETURN:
        nomination.return_reason = reason
        session.add(ScreeningDecision(nomination_id=nomination.id, outcome=ScreeningOutcome.RETURNED,
                                      reason=reason, decided_by_id=actor.id, decided_at=now))
    elif action is NominationAction.ACCEPT:
        session.add(ScreeningDecision(nomination_id=nomination.id, outcome=ScreeningOutcome.ACCEPTED,
                                      reason=reason or "", decided_by_id=actor.id, decided_at=now))
    elif action is NominationAction.FAIL_COMPLIANCE:
        nomination.ineligible_reason = reason


def transition(session: Session, *, nomination: Nomination, action: NominationAction, actor: User,
               reason: str | None = None) -> NominationState:
    """Move a nomination along one edge of its state machine, or refuse with a domain error.

    Checks the edge, the actor (by the permission predicate the edge names), the phase (by the app clock)
    and, for a submit, completeness and the province's quota (with the cycle's provincial round on: for a forward,
    and not for a submit; the provincial edges need the round on, and national screening then takes forwarded
    dossiers only). A returned dossier may be resubmitted until screening closes. Side effects: sets ``state``
    (and ``submitted_at``, ``return_reason`` or ``ineligible_reason``), records a screening decision for accept
    and return, raises the automatic conflict-of-interest flags of the cycle on accept (and, with the round on,
    the working group's on submit), and appends an audit event with the reason.
    """
    edge = EDGES[action]
    ensure_cycle_writable(nomination.cycle)
    reason = normalize_text(reason or "") or None
    if nomination.state not in edge.sources:
        raise InvalidTransition(_("این کار در وضعیت کنونی پرونده ممکن نیست."))
    _check_round(action, nomination)
    if not edge.allowed(actor, nomination):
        raise PermissionDenied(_("این کار فقط از %(who)s ساخته است.", who=_(edge.who)))
    now = clock.now()
    _check_phase(action, nomination, now)
    if edge.needs_reason and not reason:
        raise DomainError(_("دلیل را بنویسید."), field="reason")
    _before_move(session, nomination, action, actor, reason, now)
    before = nomination.state
    nomination.state = edge.target
    session.flush()
    if action is NominationAction.ACCEPT:
        flag_conflicts_for_nomination(session, nomination=nomination)
    elif action is NominationAction.SUBMIT and nomination.cycle.has_provincial_round:
        flag_provincial_conflicts(session, cycle=nomination.cycle, province_id=nomination.province_id,
                                  nomination_id=nomination.id)
    record(session, actor=actor, action=f"nomination.{action.value}", object_type="nomination",
           object_id=nomination.id, nomination_id=nomination.id, cycle_id=nomination.cycle_id,
           province_id=nomination.province_id, changes={"state": [before, edge.target]}, reason=reason)
    return edge.target


#: Edges :func:`transition_many` may take: no side effect beyond the state and the audit event.
SET_BASED_ACTIONS = frozenset({NominationAction.SHORTLIST, NominationAction.AWARD, NominationAction.NOT_SELECT})


def transition_many(session: Session, *, moves: list[tuple[Nomination, NominationAction]], actor: User,
                    execution_options: dict[str, Any] | None = None) -> None:
    """Move many nominations of one cycle along plain edges (shortlist, award, not select) as a set.

    The same checks and audit events as :func:`transition` for each move, in the order given (a nomination may
    move twice, e.g. shortlist then award); the statements do not grow with the number of moves: one UPDATE per
    target state and one :func:`record_many`. Refuses everything if one move is refused.
    ``execution_options`` go to the UPDATEs (the results cache reads which category they touch); an UPDATE whose
    moves all keep the nominations' part in a computed result (``states.same_results_role``, e.g. a
    proposal's shortlisting) says so, and the cached results stay.
    """
    if not moves:
        return
    now = clock.now()
    state: dict[int, NominationState] = {}
    first: dict[int, NominationState] = {}
    events: list[dict[str, Any]] = []
    targets: dict[NominationState, list[int]] = {}
    checked_cycles: set[tuple[int, NominationAction]] = set()
    for nomination, action in moves:
        if action not in SET_BASED_ACTIONS:
            raise ValueError(f"{action} has side effects: use transition()")
        edge = EDGES[action]
        before = state.get(nomination.id, nomination.state)
        if before not in edge.sources:
            raise InvalidTransition(_("این کار در وضعیت کنونی پرونده ممکن نیست."))
        if not edge.allowed(actor, nomination):
            raise PermissionDenied(_("این کار فقط از %(who)s ساخته است.", who=_(edge.who)))
        if (nomination.cycle_id, action) not in checked_cycles:
            ensure_cycle_writable(nomination.cycle)
            _check_phase(action, nomination, now)
            checked_cycles.add((nomination.cycle_id, action))
        first.setdefault(nomination.id, before)
        state[nomination.id] = edge.target
        events.append(dict(actor=actor, action=f"nomination.{action.value}", object_type="nomination",
                           object_id=nomination.id, nomination_id=nomination.id, cycle_id=nomination.cycle_id,
                           province_id=nomination.province_id, changes={"state": [before, edge.target]},
                           reason=None))
    for nomination_id, target in state.items():
        targets.setdefault(target, []).append(nomination_id)
    session.flush()
    for target, ids in targets.items():
        options = dict(execution_options or {})
        if all(same_results_role(first[i], target) for i in ids):
            options[RESULTS_UNCHANGED] = True
        session.execute(update(Nomination).where(Nomination.id.in_(ids)).values(state=target)
                        .execution_options(synchronize_session="fetch", **options))
    record_many(session, events=events)


def decide_compliance(session: Session, *, nomination: Nomination, actor: User, passed: bool,
                      reason: str) -> ComplianceDecision:
    """Record the oversight committee's pass or fail; a fail makes the nomination ineligible."""
    reason = normalize_text(reason or "")
    if not permissions.can_decide_compliance(actor, nomination):
        raise PermissionDenied(_("این کار فقط از کمیتهٔ نظارت و پیگیری ساخته است."))
    if nomination.state not in (NominationState.IN_EVALUATION, NominationState.SHORTLISTED):
        raise InvalidTransition(_("بررسی انطباق فقط برای پرونده‌های در حال ارزیابی ممکن است."))
    existing = session.scalar(select(ComplianceDecision).where(ComplianceDecision.nomination_id == nomination.id))
    if existing is not None:
        raise InvalidTransition(_("برای این پرونده پیش‌تر تصمیم انطباق ثبت شده است."))
    if not passed:
        transition(session, nomination=nomination, action=NominationAction.FAIL_COMPLIANCE, actor=actor,
                   reason=reason)
    else:
        if nomination.cycle.phase_at(clock.now()) is Phase.FINAL:
            raise PhaseClosed(_("نتایج این دوره نهایی شده است."))
        record(session, actor=actor, action="nomination.pass_compliance", object_type="nomination",
               object_id=nomination.id, nomination_id=nomination.id, cycle_id=nomination.cycle_id,
               province_id=nomination.province_id, reason=reason or None)
    decision = ComplianceDecision(
        nomination_id=nomination.id,
        outcome=ComplianceOutcome.PASSED if passed else ComplianceOutcome.FAILED,
        reason=reason,
        decided_by_id=actor.id,
        decided_at=clock.now(),
    )
    session.add(decision)
    session.flush()
    return decision
