"""Chairs' sign-off: each committee's chair signs off the committee's scoring of a category; one transition.

::

    awaiting --sign--> signed --(an input of the committee's scoring changes)--> outdated
       ^                 |                                                         |
       |---withdraw------|                     signed <--sign (again)--------------|
       |---withdraw----------------------------------------------------------------|

The state is derived, never stored: a row (who, when, and the digest of the committee's scoring when signed)
means *signed* while that digest equals the digest of the scoring as it counts now (:func:`committee_digests`:
the counted sheets and their values, the committee scores they give, the committee's settings and criteria), and
*outdated* once it does not (a sheet reopened, a rubric reset, a conflict raised or overridden, a member seated).
So nothing has to find and delete sign-offs when an input changes; the change itself is audited where it happens.

The moment: after evaluation closes and before results are final (the results phase), the same window as the
proposal: members see each other's scores only then, and nobody can score any more. The chair may withdraw the
committee's sign-off until the category's result is proposed. The winners chair proposes only when every
committee entering F (weight > 0, with criteria) is *signed* (:func:`require_signoffs`). Functions are
keyword-only, flush but never commit, and audit every change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from awards import clock, i18n, permissions
from awards.audit.services import record
from awards.collector import paused
from awards.enums import CommitteeCode, Phase, SignoffAction, SignoffState
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.evaluation.scoring import counted_sheets, round2_or_none
from awards.guards import lock_open_category
from awards.labels import LABELS
from awards.models import Category, Committee, CommitteeSignoff, User
from awards.results import cache
from awards.results.queries import CategoryResults, load_results

A = SignoffAction
S = SignoffState

SIGN_ACTION = "signoff.sign"
WITHDRAW_ACTION = "signoff.withdraw"
AUDIT_ACTIONS = {A.SIGN: SIGN_ACTION, A.WITHDRAW: WITHDRAW_ACTION}

#: (action, state now) -> state after. Anything else is refused.
EDGES: dict[tuple[SignoffAction, SignoffState], SignoffState] = {
    (A.SIGN, S.AWAITING): S.SIGNED,
    (A.SIGN, S.OUTDATED): S.SIGNED,
    (A.WITHDRAW, S.SIGNED): S.AWAITING,
    (A.WITHDRAW, S.OUTDATED): S.AWAITING,
}


# ---------------------------------------------------------------------------------------------------------------
# What a chair signs: the digest of the committee's scoring
# ---------------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _plain(value: Decimal | None) -> str | None:
    """A stored value the same way whatever the database returned (8.5, 8.50).

    Remembered: a category's sheets repeat a few hundred distinct values over a hundred thousand places, and
    equal Decimals (8.5, 8.50) share an entry, which is right since they normalise alike."""
    return None if value is None else format(value.normalize(), "f")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(round2_or_none(value))


def _digest(payload: dict[str, Any]) -> str:
    """SHA-256, hex, of the canonical JSON of ``payload`` (sorted keys, no whitespace, UTF-8)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digests(data: CategoryResults) -> dict[str, str]:
    with paused():  # hundreds of thousands of short-lived lists and strings, no cycles (awards.collector)
        return _hash_committees(data)


def _hash_committees(data: CategoryResults) -> dict[str, str]:
    inp = data.scoring_input
    specs = {spec.code: spec for spec in inp.committees}
    counted = counted_sheets(inp)
    out = {}
    for code in data.result.committees:
        spec = specs[code]
        payload: dict[str, Any] = {
            "committee": str(code),
            "settings": {"aggregation": str(spec.aggregation), "quorum": spec.quorum, "normalise": spec.normalise,
                         "reviewers_per_nomination": spec.reviewers_per_nomination},
            "criteria": [[c.id, _plain(c.max_points), _plain(c.weight)] for c in inp.criteria if c.committee == code],
            "sheets": [[s.id, s.nomination_id, s.member_id, {str(k): _plain(v) for k, v in s.values.items()}]
                       for s in sorted(counted[code], key=lambda s: s.id)],
            "scores": {str(n.id): [_money(n.committees[code].raw), _money(n.committees[code].normalised),
                                   list(n.committees[code].expected)]
                       for n in sorted(data.result.nominees, key=lambda n: n.id)},
        }
        out[str(code)] = _digest(payload)
    return out


def committee_digests(session: Session, *, data: CategoryResults) -> dict[str, str]:
    """Committee code -> SHA-256 of its scoring of the category now, for each committee with criteria in it.

    Cached per process under the category's ``results_version`` like the result itself: every input of the
    digest is an input of the result, so a page showing the sign-offs hashes the sheets at most once per change.
    """
    key = ("signoff", str(session.get_bind().url), data.category.id, data.version)
    return cache.cached(key, lambda: _digests(data), small=True)


# ---------------------------------------------------------------------------------------------------------------
# The state of each committee's sign-off
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignoffStatus:
    """One committee's sign-off of the category, for the results page and the proposal gate."""

    code: CommitteeCode
    weight: Decimal
    #: Enters F (weight > 0, with criteria): its sign-off is needed before the proposal.
    required: bool
    state: SignoffState
    signoff: CommitteeSignoff | None

    @property
    def label(self) -> Any:
        return LABELS[self.state]


def _state(row: CommitteeSignoff | None, current: str) -> SignoffState:
    if row is None:
        return S.AWAITING
    return S.SIGNED if row.snapshot == current else S.OUTDATED


def signoff_rows(session: Session, *, category: Category) -> dict[str, CommitteeSignoff]:
    """The category's sign-offs by committee code, with the signer (one query)."""
    rows = session.scalars(
        select(CommitteeSignoff).where(CommitteeSignoff.category_id == category.id)
        .options(joinedload(CommitteeSignoff.user).lazyload(User.memberships))
    )
    return {str(row.committee.code): row for row in rows}


def statuses(session: Session, *, data: CategoryResults) -> list[SignoffStatus]:
    """Each committee with criteria in the category, in display order: its weight, whether it must sign, its state."""
    rows = signoff_rows(session, category=data.category)
    digests = committee_digests(session, data=data) if rows else {}
    committees = data.committee_rows
    out = []
    for code in data.result.committees:
        row = rows.get(str(code))
        out.append(SignoffStatus(code=CommitteeCode(code), weight=committees[CommitteeCode(code)].weight,
                                 required=code in data.result.weights,
                                 state=_state(row, digests.get(str(code), "")), signoff=row))
    return out


def require_signoffs(session: Session, *, data: CategoryResults) -> None:
    """Refuse a proposal while a committee entering F has not signed off its scoring as it counts now."""
    waiting = [s for s in statuses(session, data=data) if s.required and s.state is not S.SIGNED]
    if waiting:
        names = i18n.join(f"«{LABELS[s.code]}»" for s in waiting)
        raise DomainError(_("پیش از پیشنهاد، رئیس هر کمیتهٔ وزن‌دار باید امتیازهای کنونی کمیته را امضا کند؛ "
                            "هنوز امضا نشده: %(names)s.", names=names))


# ---------------------------------------------------------------------------------------------------------------
# The transition
# ---------------------------------------------------------------------------------------------------------------


def _refusal(action: SignoffAction, state: SignoffState) -> str:
    if action is A.SIGN:
        return _("امتیازهای کنونی این کمیته پیش‌تر امضا شده است.")
    return _("امضایی برای پس گرفتن نیست.")


def transition(session: Session, *, category: Category, committee: Committee, action: SignoffAction,
               actor: User) -> CommitteeSignoff | None:
    """Sign off, or withdraw, ``committee``'s scoring of ``category`` as ``actor``; refuse with a message otherwise.

    Checks the actor (the committee's chair in the cycle), that the cycle is not archived and the category not
    final (under the category row's lock, which every writer of sheets, conflicts and the rubric also takes), the
    phase (results), that the committee has criteria in the category, and the edge. Side effects, by action:

    - ``sign``: creates the category's row for the committee, or replaces an outdated one's signer, time and
      digest; returns it.
    - ``withdraw``: only before the result is proposed; deletes the row; returns None.

    Each writes one audit event (``signoff.sign`` / ``signoff.withdraw``) naming the committee, the state and
    the digest before and after.
    """
    if not permissions.can_sign_off(actor, category, committee):
        raise PermissionDenied(_("امتیازهای یک کمیته را فقط رئیس همان کمیته در این دوره امضا می‌کند."))
    category = lock_open_category(session, category=category)
    if category.cycle.phase_at(clock.now()) is not Phase.RESULTS:
        raise PhaseClosed(_("امضای امتیازهای کمیته فقط پس از پایان ارزیابی و پیش از موعد نهایی‌شدن نتایج ممکن "
                            "است."))
    data = load_results(session, category=category)
    code = str(committee.code)
    if code not in data.result.committees:
        raise DomainError(_("کمیتهٔ «%(name)s» در این رشته معیاری ندارد؛ چیزی برای امضا نیست.",
                            name=LABELS[committee.code]))
    row = session.scalar(select(CommitteeSignoff).where(CommitteeSignoff.category_id == category.id,
                                                        CommitteeSignoff.committee_id == committee.id)
                         .execution_options(populate_existing=True))
    current = committee_digests(session, data=data)[code]
    before = _state(row, current)
    target = EDGES.get((action, before))
    if target is None:
        raise InvalidTransition(_refusal(action, before))
    if action is A.WITHDRAW and category.proposed_at is not None:
        raise InvalidTransition(_("نتیجهٔ این رشته پیشنهاد شده است؛ امضای کمیته دیگر پس گرفته نمی‌شود."))
    now = clock.now()
    changes: dict[str, list[Any]] = {
        "committee": [None, code], "state": [before.value, target.value],
        "snapshot": [row.snapshot if row else None, current if action is A.SIGN else None],
        "signed_at": [row.signed_at if row else None, now if action is A.SIGN else None],
    }
    if action is A.SIGN:
        if row is None:
            row = CommitteeSignoff(cycle_id=category.cycle_id, category_id=category.id, committee_id=committee.id)
            session.add(row)
        row.user_id, row.signed_at, row.snapshot = actor.id, now, current
    else:
        session.delete(row)
        row = None
    session.flush()
    record(session, actor=actor, action=AUDIT_ACTIONS[action], object_type="category", object_id=category.id,
           cycle_id=category.cycle_id, changes=changes)
    return row


def sign_off(session: Session, *, category: Category, committee: Committee, actor: User) -> CommitteeSignoff:
    """The chair signs off the committee's scoring of the category (see :func:`transition`)."""
    return transition(session, category=category, committee=committee, action=A.SIGN, actor=actor)


def withdraw(session: Session, *, category: Category, committee: Committee, actor: User) -> None:
    """The chair withdraws the committee's sign-off of the category (see :func:`transition`)."""
    transition(session, category=category, committee=committee, action=A.WITHDRAW, actor=actor)
