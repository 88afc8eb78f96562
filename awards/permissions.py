"""Named permission predicates, used by routes (to 403/404) and by templates (to show or hide).

Each takes the acting user first. Anonymous users fail every predicate. Predicates read only what is
already loaded on the user (memberships are eager-loaded), so a template may call them freely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from awards.enums import CommitteeCode, NominationState

if TYPE_CHECKING:
    from awards.models import Cycle, Nomination, User

#: States in which the committees (beyond provincial affairs) see a nomination.
EVALUATED_STATES = frozenset(
    {
        NominationState.IN_EVALUATION,
        NominationState.SHORTLISTED,
        NominationState.AWARDED,
        NominationState.NOT_SELECTED,
        NominationState.INELIGIBLE,
    }
)
SCREENED_STATES = EVALUATED_STATES | {NominationState.SUBMITTED}


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_organizer(user: User) -> bool:
    return _signed_in(user) and user.is_organizer


def is_province_officer(user: User) -> bool:
    return _signed_in(user) and user.province_id is not None


def committee_codes(user: User, cycle_id: int | None = None) -> set[CommitteeCode]:
    """Return the committees the user sits on (in ``cycle_id``, or in any cycle)."""
    if not _signed_in(user):
        return set()
    return {
        m.committee.code for m in user.memberships if cycle_id is None or m.cycle_id == cycle_id
    }


def is_member(user: User, code: CommitteeCode, cycle_id: int | None = None) -> bool:
    return code in committee_codes(user, cycle_id)


def is_chair(user: User, code: CommitteeCode, cycle_id: int | None = None) -> bool:
    if not _signed_in(user):
        return False
    return any(
        m.is_chair and m.committee.code == code and (cycle_id is None or m.cycle_id == cycle_id)
        for m in user.memberships
    )


def is_committee_member(user: User, cycle_id: int | None = None) -> bool:
    return bool(committee_codes(user, cycle_id))


def can_manage_cycles(user: User) -> bool:
    return is_organizer(user)


def can_manage_users(user: User) -> bool:
    return is_organizer(user)


def can_create_nomination(user: User) -> bool:
    return is_province_officer(user)


def can_view_all_provinces(user: User) -> bool:
    return is_organizer(user)


def can_list_nominations(user: User) -> bool:
    return is_organizer(user) or is_province_officer(user)


def owns_nomination(user: User, nomination: Nomination) -> bool:
    """The officer of the nomination's province."""
    return is_province_officer(user) and user.province_id == nomination.province_id


def can_view_nomination(user: User, nomination: Nomination) -> bool:
    if is_organizer(user) or owns_nomination(user, nomination):
        return True
    codes = committee_codes(user, nomination.cycle_id)
    if nomination.state in SCREENED_STATES and CommitteeCode.PROVINCIAL_AFFAIRS in codes:
        return True
    return nomination.state in EVALUATED_STATES and bool(codes)


def can_edit_nomination(user: User, nomination: Nomination) -> bool:
    """The owning province may edit while the dossier is a draft (including after a return)."""
    return owns_nomination(user, nomination) and nomination.state == NominationState.DRAFT


def can_screen(user: User, cycle: Cycle | None = None) -> bool:
    return is_member(user, CommitteeCode.PROVINCIAL_AFFAIRS, cycle.id if cycle else None)


def can_check_compliance(user: User, cycle: Cycle | None = None) -> bool:
    return is_member(user, CommitteeCode.OVERSIGHT, cycle.id if cycle else None)


def can_view_audit(user: User) -> bool:
    return is_organizer(user) or is_member(user, CommitteeCode.OVERSIGHT)


def can_view_evidence(user: User, nomination: Nomination) -> bool:
    return can_view_nomination(user, nomination)
