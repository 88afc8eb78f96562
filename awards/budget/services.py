"""The finance committee's award budget: one state machine, :func:`transition`, and the print guard.

::

    drafting --submit (organizer)--> under_review --approve (finance chair)--> budget_approved
      ^  ^                             |                                         |
      |  |----return (finance chair, with a reason)                              |
      |------------ edit a line (organizer): withdraws the submission or the approval

The organizer lists the cost lines (a unit cost per award of a tier, or a fixed amount, in whole rials) and sends
the budget to the finance committee; its chair approves it, which records the total of that moment, or returns
it with a reason the organizer sees. Editing a line of a submitted or approved budget withdraws the submission
or the approval (the chair approves again), so an approval always covers the lines as they are. Certificates of
a tier print only while the budget is approved and has a per-award line for that tier
(:func:`require_print_cover`). Functions are keyword-only, flush but never commit, and audit every change.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import record
from awards.budget.queries import budget_sheet, covered_tiers
from awards.enums import BudgetAction, BudgetLineKind, BudgetState, Tier
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.guards import ensure_cycle_writable
from awards.labels import LABELS
from awards.minutes_gate import require_sealed_budget
from awards.models import Budget, BudgetLine, Cycle, User
from awards.models.budget import MAX_UNIT_COST
from awards.persian import normalize_text

A = BudgetAction
S = BudgetState

LINE_ADD_ACTION = "budget.line_add"
LINE_EDIT_ACTION = "budget.line_edit"
LINE_REMOVE_ACTION = "budget.line_remove"
SUBMIT_ACTION = "budget.submit"
APPROVE_ACTION = "budget.approve"
RETURN_ACTION = "budget.return"
AUDIT_ACTIONS = {A.SUBMIT: SUBMIT_ACTION, A.APPROVE: APPROVE_ACTION, A.RETURN: RETURN_ACTION}

#: (action, from state) -> to state. Anything else is refused.
EDGES: dict[tuple[BudgetAction, BudgetState], BudgetState] = {
    (A.EDIT, S.DRAFTING): S.DRAFTING,
    (A.EDIT, S.UNDER_REVIEW): S.DRAFTING,
    (A.EDIT, S.APPROVED): S.DRAFTING,
    (A.SUBMIT, S.DRAFTING): S.UNDER_REVIEW,
    (A.APPROVE, S.UNDER_REVIEW): S.APPROVED,
    (A.RETURN, S.UNDER_REVIEW): S.DRAFTING,
}

LABEL_MAX_LENGTH = 120
REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class LineEdit:
    """What an ``edit`` does: add a line (``line`` None), change a line's label and unit cost, or remove it."""

    line: BudgetLine | None = None
    remove: bool = False
    kind: BudgetLineKind | None = None
    tier: Tier | None = None
    label: str | None = None
    unit_cost: int | None = None


def _allowed(action: BudgetAction, actor: User, cycle: Cycle) -> bool:
    if action in (A.APPROVE, A.RETURN):
        return permissions.can_decide_budget(actor, cycle)
    return permissions.can_edit_budget(actor, cycle)


def _refusal(action: BudgetAction, state: BudgetState) -> str:
    if action is A.SUBMIT:
        if state is S.UNDER_REVIEW:
            return _("بودجه پیش‌تر برای کمیتهٔ مالی فرستاده شده است و در انتظار تصمیم رئیس آن است.")
        return _("بودجه تأیید شده است؛ برای فرستادن دوباره، نخست یکی از ردیف‌ها را ویرایش کنید.")
    if state is S.APPROVED:
        return _("بودجه پیش‌تر تأیید شده است.")
    return _("بودجه هنوز برای کمیتهٔ مالی فرستاده نشده است؛ دبیرخانه نخست آن را می‌فرستد.")


def _locked_budget(session: Session, *, cycle: Cycle) -> Budget:
    """The cycle's budget row under a lock (PostgreSQL: FOR UPDATE), made on first use."""
    budget = session.scalar(select(Budget).where(Budget.cycle_id == cycle.id).with_for_update()
                            .execution_options(populate_existing=True))
    if budget is None:
        budget = Budget(cycle_id=cycle.id, state=S.DRAFTING)
        session.add(budget)
        session.flush()
    return budget


def transition(session: Session, *, cycle: Cycle, action: BudgetAction, actor: User, edit: LineEdit | None = None,
               reason: str | None = None) -> Budget:
    """Take one edge of the cycle's budget, as ``actor``; refuse with a message when it may not happen.

    Checks the actor (``edit`` and ``submit``: an organizer; ``approve`` and ``return``: the finance chair of the
    cycle), that the cycle is not archived, the edge, then the action's own rule. Side effects, by action:

    - ``edit`` (``edit`` says what): adds, changes or removes a line; a submission or approval it meets is
      withdrawn (state back to drafting, ``approved_*`` cleared). An edit that changes nothing does nothing.
    - ``submit``: needs a line and every category's result confirmed (the counts known); sets ``submitted_*``.
    - ``approve``: the same needs, and sealed finance minutes approving that total
      (:func:`_require_meeting_record`); sets ``approved_*`` with the total of that moment and clears the last
      return.
    - ``return``: needs a reason; sets ``returned_*`` and ``return_reason``.

    Each writes one audit event (``budget.<action>``, or ``budget.line_<add|edit|remove>``) with what changed.
    """
    if not _allowed(action, actor, cycle):
        if action in (A.APPROVE, A.RETURN):
            raise PermissionDenied(_("تأیید یا بازگرداندن بودجه فقط از رئیس کمیتهٔ مالی این دوره ساخته است."))
        raise PermissionDenied(_("تنظیم ردیف‌های بودجه و فرستادن آن کار دبیرخانه است."))
    ensure_cycle_writable(cycle)
    budget = _locked_budget(session, cycle=cycle)
    before = budget.state
    target = EDGES.get((action, before))
    if target is None:
        raise InvalidTransition(_refusal(action, before))
    now = clock.now()
    if action is A.EDIT:
        audit_action, object_type, object_id, changes = _edit(session, budget, edit or LineEdit())
        if not changes:
            return budget
        if before is S.APPROVED:
            changes["approved_at"] = [budget.approved_at, None]
            changes["approved_total"] = [budget.approved_total, None]
            budget.approved_at = budget.approved_by_id = budget.approved_total = None
    else:
        audit_action, object_type, object_id = AUDIT_ACTIONS[action], "budget", budget.id
        if action is A.RETURN:
            changes = _return(budget, actor=actor, reason=reason, now=now)
        else:
            total = _ready_total(session, budget, cycle=cycle)
            if action is A.SUBMIT:
                changes = {"submitted_at": [budget.submitted_at, now], "total": [None, total]}
                budget.submitted_by_id, budget.submitted_at = actor.id, now
            else:
                _require_meeting_record(session, budget, total)
                changes = {"approved_at": [None, now], "approved_total": [None, total]}
                if budget.returned_at is not None:
                    changes["return_reason"] = [budget.return_reason, None]
                budget.approved_by_id, budget.approved_at, budget.approved_total = actor.id, now, total
                budget.returned_by_id = budget.returned_at = budget.return_reason = None
    if target is not before:
        changes["state"] = [before.value, target.value]
    budget.state = target
    session.flush()
    record(session, actor=actor, action=audit_action, object_type=object_type, object_id=object_id,
           cycle_id=cycle.id, changes=changes, reason=budget.return_reason if action is A.RETURN else None)
    return budget


def _require_meeting_record(session: Session, budget: Budget, total: int) -> None:
    """Refuse an approval the finance committee did not take in a recorded meeting (PROCESS.md: "the finance
    chair approves it in a meeting").

    The approval needs sealed minutes (صورتجلسه) of the cycle's finance committee with a budget decision whose
    amount is ``total``, the total being approved (:func:`awards.minutes_gate.require_sealed_budget`); without
    them, or when they record another amount, it is refused with a Persian message and nothing changes.
    """
    require_sealed_budget(session, cycle_id=budget.cycle_id, total=total)


def _ready_total(session: Session, budget: Budget, *, cycle: Cycle) -> int:
    """The total a submission or approval is about; refuse an empty budget or one whose counts are not known."""
    sheet = budget_sheet(session, cycle=cycle)
    if not sheet.lines:
        raise DomainError(_("بودجه هنوز ردیفی ندارد؛ نخست هزینه‌ها را بنویسید."))
    if sheet.pending:
        raise InvalidTransition(_(
            "شمار جایزه‌ها هنوز معلوم نیست: نتیجهٔ این رشته‌ها تأیید نهایی نشده است: %(titles)s.",
            titles=i18n.join(category.title for category in sheet.pending)))
    return sheet.total


def _return(budget: Budget, *, actor: User, reason: str | None, now) -> dict:
    text = normalize_text(reason or "")
    if not text:
        raise DomainError(_("دلیل بازگرداندن بودجه را بنویسید."), field="reason")
    if len(text) > REASON_MAX_LENGTH:
        raise DomainError(_("دلیل بازگرداندن بلندتر از %(count)s نویسه است.", count=REASON_MAX_LENGTH),
                          field="reason")
    changes = {"returned_at": [budget.returned_at, now], "return_reason": [budget.return_reason, text]}
    budget.returned_by_id, budget.returned_at, budget.return_reason = actor.id, now, text
    return changes


def _clean_label(label: str | None) -> str:
    text = normalize_text(label or "")
    if not text:
        raise DomainError(_("شرح ردیف را بنویسید."), field="label")
    if len(text) > LABEL_MAX_LENGTH:
        raise DomainError(_("شرح ردیف بلندتر از %(count)s نویسه است.", count=LABEL_MAX_LENGTH), field="label")
    return text


def _clean_cost(unit_cost: int | None) -> int:
    if unit_cost is None or isinstance(unit_cost, bool) or not isinstance(unit_cost, int):
        raise DomainError(_("مبلغ را به ریال و به عدد درست بنویسید."), field="unit_cost")
    if not 0 <= unit_cost <= MAX_UNIT_COST:
        raise DomainError(_("مبلغ باید از صفر تا %(max)s ریال باشد.", max=i18n.number(MAX_UNIT_COST)),
                          field="unit_cost")
    return unit_cost


def _refuse_duplicate(budget: Budget, *, tier: Tier | None, label: str, line: BudgetLine | None) -> None:
    if any(other is not line and other.tier == tier and other.label == label for other in budget.lines):
        raise DomainError(_("ردیفی با همین شرح برای همین سطح پیش‌تر نوشته شده است."), field="label")


def _edit(session: Session, budget: Budget, edit: LineEdit) -> tuple[str, str, int, dict]:
    """Apply one line edit to ``budget``; return the audit action, object and changes (empty: nothing changed)."""
    line = edit.line
    if line is not None and line.budget_id != budget.id:
        raise DomainError(_("این ردیف از بودجهٔ این دوره نیست."))
    if line is not None and edit.remove:
        changes = {"kind": [line.kind.value, None], "tier": [line.tier.value if line.tier else None, None],
                   "label": [line.label, None], "unit_cost": [line.unit_cost, None]}
        line_id = line.id
        budget.lines.remove(line)
        session.flush()
        return LINE_REMOVE_ACTION, "budget_line", line_id, changes
    label, unit_cost = _clean_label(edit.label), _clean_cost(edit.unit_cost)
    if line is None:
        if edit.kind not in (BudgetLineKind.PER_AWARD, BudgetLineKind.FIXED):
            raise DomainError(_("نوع ردیف را برگزینید."), field="kind")
        tier = edit.tier if edit.kind is BudgetLineKind.PER_AWARD else None
        if edit.kind is BudgetLineKind.PER_AWARD and tier not in tuple(Tier):
            raise DomainError(_("سطح جایزه‌ای را که این هزینه برای هر جایزهٔ آن است برگزینید."), field="tier")
        _refuse_duplicate(budget, tier=tier, label=label, line=None)
        line = BudgetLine(kind=edit.kind, tier=tier, label=label, unit_cost=unit_cost,
                          position=max((other.position for other in budget.lines), default=-1) + 1)
        budget.lines.append(line)
        session.flush()
        return LINE_ADD_ACTION, "budget_line", line.id, {
            "kind": [None, line.kind.value], "tier": [None, tier.value if tier else None],
            "label": [None, label], "unit_cost": [None, unit_cost]}
    _refuse_duplicate(budget, tier=line.tier, label=label, line=line)
    changes = {}
    if label != line.label:
        changes["label"] = [line.label, label]
    if unit_cost != line.unit_cost:
        changes["unit_cost"] = [line.unit_cost, unit_cost]
    line.label, line.unit_cost = label, unit_cost
    return LINE_EDIT_ACTION, "budget_line", line.id, changes


def require_print_cover(session: Session, *, cycle: Cycle, tiers: set[Tier]) -> None:
    """Refuse to print certificates of a tier the cycle's approved budget does not cover (no approval, or no
    per-award line for that tier). Printing calls this before anything is rendered or queued."""
    covered = covered_tiers(session, cycle=cycle) if tiers else set()
    missing = [tier for tier in Tier if tier in tiers and tier not in covered]
    if missing:
        raise DomainError(_(
            "لوح‌های سطح %(tiers)s چاپ نمی‌شوند: بودجهٔ این سطح هنوز به تأیید رئیس کمیتهٔ مالی نرسیده است "
            "(بودجهٔ تأییدشده باید هزینهٔ هر جایزهٔ این سطح را داشته باشد).",
            tiers=i18n.join(f"«{LABELS[tier]}»" for tier in missing)))
