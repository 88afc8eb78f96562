"""Named permission predicates, used by routes (to 403/404), by templates (to show or hide) and by the
nomination transition table (``awards/nominations/states.py``: each edge names the predicate that may take it).

Each takes the acting user first. Anonymous users fail every predicate. Predicates read only what is
already loaded on the user (memberships are eager-loaded), so a template may call them freely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from awards import clock
from awards.enums import CommitteeCode, MeetingBody, NominationState, Phase

if TYPE_CHECKING:
    from awards.models import Cycle, Meeting, Nomination, ProvincialAward, ProvincialGroup, ProvincialSeat, User

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
SCREENED_STATES = EVALUATED_STATES | {NominationState.SUBMITTED, NominationState.FORWARDED}
#: States in which a province's working group sees its province's dossiers (the provincial round).
PROVINCIAL_STATES = frozenset(
    {
        NominationState.SUBMITTED,
        NominationState.FORWARDED,
        NominationState.NOT_FORWARDED,
        NominationState.PROVINCIALLY_AWARDED,
    }
)


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_signed_in(user: User) -> bool:
    """Any active, signed-in account (the session keep-alive needs nothing more)."""
    return _signed_in(user)


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


def chairs_any_committee(user: User) -> bool:
    """A chair seat on any committee, in any cycle (such accounts can change results)."""
    return _signed_in(user) and any(m.is_chair for m in user.memberships)


def is_committee_member(user: User, cycle_id: int | None = None) -> bool:
    return bool(committee_codes(user, cycle_id))


def can_manage_cycles(user: User) -> bool:
    return is_organizer(user)


def can_administer(user: User) -> bool:
    """The «مدیریت» area: creating, copying and archiving cycles, their categories and committee seats."""
    return is_organizer(user)


def can_manage_users(user: User) -> bool:
    """Users: create, import, disable and enable accounts, and issue one-time set-password links."""
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
    if nomination.state in EVALUATED_STATES and bool(codes):
        return True
    return nomination.state in PROVINCIAL_STATES and sits_on_provincial_group(user, nomination)


def can_edit_nomination(user: User, nomination: Nomination) -> bool:
    """The owning province may edit while the dossier is a draft (including after a return)."""
    return owns_nomination(user, nomination) and nomination.state == NominationState.DRAFT


def can_screen(user: User, cycle: Cycle | None = None) -> bool:
    return is_member(user, CommitteeCode.PROVINCIAL_AFFAIRS, cycle.id if cycle else None)


def can_check_compliance(user: User, cycle: Cycle | None = None) -> bool:
    return is_member(user, CommitteeCode.OVERSIGHT, cycle.id if cycle else None)


def can_end_sessions(user: User) -> bool:
    """End every session of any account (the account pages link to it)."""
    return is_organizer(user)


def can_view_audit(user: User) -> bool:
    return is_organizer(user) or is_member(user, CommitteeCode.OVERSIGHT)


def can_view_evidence(user: User, nomination: Nomination) -> bool:
    return can_view_nomination(user, nomination)


def can_submit_nomination(user: User, nomination: Nomination) -> bool:
    """The owning province may submit its draft (the phase, completeness and quota are checked on submit)."""
    return owns_nomination(user, nomination) and nomination.state == NominationState.DRAFT


def can_withdraw_nomination(user: User, nomination: Nomination) -> bool:
    """The owning province may withdraw a draft or a submitted nomination (before nominations close)."""
    return owns_nomination(user, nomination) and nomination.state in (
        NominationState.DRAFT, NominationState.SUBMITTED
    )


def can_screen_nomination(user: User, nomination: Nomination) -> bool:
    """Accept or return a submitted dossier: a member of provincial affairs in the nomination's cycle."""
    return is_member(user, CommitteeCode.PROVINCIAL_AFFAIRS, nomination.cycle_id)


def can_decide_compliance(user: User, nomination: Nomination) -> bool:
    """Pass or fail a nomination's compliance: a member of oversight in the nomination's cycle."""
    return is_member(user, CommitteeCode.OVERSIGHT, nomination.cycle_id)


def can_shortlist(user: User, nomination: Nomination) -> bool:
    """Put a nomination on the shortlist: the winners chair of its cycle, or an organizer."""
    return is_chair(user, CommitteeCode.WINNERS, nomination.cycle_id) or is_organizer(user)


def can_finalise_outcome(user: User, nomination: Nomination) -> bool:
    """Award or not select a nomination, as part of an organizer's confirmation of the final result."""
    return is_organizer(user)


def can_manage_evidence(user: User, nomination: Nomination) -> bool:
    """Evidence is added and removed by the owning province while the dossier is a draft."""
    return can_edit_nomination(user, nomination)


# --- Committee evaluation (rubric, assignment, sheets, conflicts, citations) ---


def can_use_evaluation(user: User) -> bool:
    """The evaluation area: committee members (their inbox) and organizers (its set-up)."""
    return is_committee_member(user) or is_organizer(user)


def can_manage_rubric(user: User) -> bool:
    return is_organizer(user)


def can_manage_indicators(user: User) -> bool:
    """The secretariat defines a cycle's indicators (the figures dossiers declare)."""
    return is_organizer(user)


def can_manage_assignments(user: User) -> bool:
    return is_organizer(user)


def can_manage_conflicts(user: User) -> bool:
    """Organizers see every conflict and may override a rule flag (never a declared one)."""
    return is_organizer(user)


def can_verify_figure(user: User, nomination: Nomination, committee) -> bool:
    """A member of ``committee`` in the nomination's cycle checks its declared figures against the evidence.

    The service also needs a criterion of that committee computed from the indicator, and the scoring window.
    """
    return can_score(user, nomination, committee)


def can_score(user: User, nomination: Nomination, committee) -> bool:
    """A member of ``committee`` in the nomination's cycle; the oversight gate keeps no score sheets.

    Conflicts, assignment, phase and state are checked by the scoring service, which reads the database.
    """
    return committee.code != CommitteeCode.OVERSIGHT and is_member(user, committee.code, nomination.cycle_id)


def can_reopen_sheet(user: User, sheet) -> bool:
    """The chair of the sheet's committee in the nomination's cycle."""
    return is_chair(user, sheet.committee.code, sheet.nomination.cycle_id)


def can_declare_conflict(user: User, nomination: Nomination) -> bool:
    return is_committee_member(user, nomination.cycle_id)


def can_view_citations(user: User) -> bool:
    return is_organizer(user) or is_member(user, CommitteeCode.CONTENT)


def can_write_citation(user: User, nomination: Nomination) -> bool:
    return is_member(user, CommitteeCode.CONTENT, nomination.cycle_id)


def can_approve_citation(user: User, nomination: Nomination) -> bool:
    return is_chair(user, CommitteeCode.CONTENT, nomination.cycle_id)


def can_list_results(user: User, cycle: Cycle) -> bool:
    """Organizers and members of the cycle's committees see the list of categories and their status."""
    return is_organizer(user) or is_committee_member(user, cycle.id)


def can_view_results(user: User, cycle: Cycle) -> bool:
    """Scores of a category: organizers at any time; anyone sitting on a committee only after evaluation closes.

    A member must not see others' scores before submitting their own, and nobody can score once evaluation has
    closed, so the page opens to committee members (organizers who also sit on a committee included) then.
    """
    if is_committee_member(user, cycle.id):
        return cycle.phase_at(clock.now()) in (Phase.RESULTS, Phase.FINAL)
    return is_organizer(user)


def can_export_results(user: User, category) -> bool:
    """A category's ranking and sheets as a file (at once, or built in the background when large): whoever may
    see its results page."""
    return can_view_results(user, category.cycle)


def can_propose_results(user: User, category) -> bool:
    """The winners chair of the category's cycle proposes its result and orders tied nominations."""
    return is_chair(user, CommitteeCode.WINNERS, category.cycle_id)


def can_confirm_results(user: User, category) -> bool:
    """An organizer confirms a proposal (the service also refuses the proposer)."""
    return is_organizer(user)


def can_sign_off(user: User, category, committee) -> bool:
    """The chair of ``committee`` in the category's cycle signs off (or withdraws) its scoring of the category.

    The oversight gate keeps no score sheets, so it has nothing to sign; phase, finality and whether the committee
    has criteria in the category are checked by the service.
    """
    return committee.code != CommitteeCode.OVERSIGHT and is_chair(user, committee.code, category.cycle_id)


# --- certificates ----------------------------------------------------------------------------------------

def can_print_certificates(user: User) -> bool:
    """The secretariat prints certificates, one or in bulk, and manages the signatories."""
    return is_organizer(user)


def can_revoke_award(user: User, cycle_id: int | None = None) -> bool:
    """Only the oversight committee revokes an issued award."""
    return is_member(user, CommitteeCode.OVERSIGHT, cycle_id)


def can_view_awards(user: User) -> bool:
    return is_organizer(user) or is_member(user, CommitteeCode.OVERSIGHT)


# --- the media committee's publication of the winners -------------------------------------------------------

def can_view_press_list(user: User, cycle: Cycle) -> bool:
    """The press list and its exports: the media committee of the cycle, and organizers."""
    return is_organizer(user) or is_member(user, CommitteeCode.MEDIA, cycle.id)


def can_approve_publication(user: User, cycle: Cycle) -> bool:
    """The media chair of the cycle writes the press release's intro and approves the press list."""
    return is_chair(user, CommitteeCode.MEDIA, cycle.id)


def can_open_winners_page(user: User, cycle: Cycle) -> bool:
    """The media chair of the cycle opens the public winners page (the service checks the ceremony date)."""
    return is_chair(user, CommitteeCode.MEDIA, cycle.id)


# --- the finance committee's award budget -------------------------------------------------------------------

def can_view_budget(user: User, cycle: Cycle) -> bool:
    """The budget page and the statuette maker's list: the finance committee of the cycle, and organizers."""
    return is_organizer(user) or is_member(user, CommitteeCode.FINANCE, cycle.id)


def can_edit_budget(user: User, cycle: Cycle) -> bool:
    """The secretariat lists the budget's cost lines and sends it to the finance committee."""
    return is_organizer(user)


def can_decide_budget(user: User, cycle: Cycle) -> bool:
    """The finance chair of the cycle approves the budget or returns it with a reason."""
    return is_chair(user, CommitteeCode.FINANCE, cycle.id)


# --- minutes of committee meetings ------------------------------------------------------------------------

def can_view_minutes(user: User, cycle: Cycle, code: CommitteeCode) -> bool:
    """A committee's minutes: its members in the cycle, and organizers (they confirm what the minutes decide)."""
    return is_organizer(user) or is_member(user, code, cycle.id)


def can_record_minutes(user: User, cycle: Cycle, code: CommitteeCode) -> bool:
    """The committee's chair of the cycle records its meetings' minutes and edits them before the first signature."""
    return is_chair(user, code, cycle.id)


def can_view_meeting(user: User, meeting: Meeting) -> bool:
    """One meeting's minutes, whatever body met: a committee's as :func:`can_view_minutes`; a province's working
    group's as its group page (organizers, the province's officer, the group's members; no other province)."""
    if meeting.body is MeetingBody.PROVINCIAL_GROUP:
        return meeting.provincial_group is not None and can_view_provincial_group(user, meeting.provincial_group)
    return meeting.committee is not None and can_view_minutes(user, meeting.cycle, meeting.committee.code)


def can_record_meeting(user: User, meeting: Meeting) -> bool:
    """Edit a meeting's minutes before the first signature, add and remove decisions, reopen them: the chair of the
    body that met (the committee's chair of the cycle, or the working group's chair)."""
    if meeting.body is MeetingBody.PROVINCIAL_GROUP:
        return meeting.provincial_group is not None and chairs_provincial_group(user, meeting.provincial_group)
    return meeting.committee is not None and can_record_minutes(user, meeting.cycle, meeting.committee.code)


def can_sign_minutes(user: User, meeting: Meeting) -> bool:
    """Each member recorded as present confirms the minutes (the service refuses a second signature)."""
    return _signed_in(user) and any(a.user_id == user.id for a in meeting.attendees)


# --- dashboard -------------------------------------------------------------------------------------------

def can_remind_members(user: User, code: CommitteeCode, cycle_id: int | None = None) -> bool:
    """The chair of a committee reminds its members of the sheets they still owe."""
    return code != CommitteeCode.OVERSIGHT and is_chair(user, code, cycle_id)


# --- notifications ---------------------------------------------------------------------------------------

def can_read_notifications(user: User) -> bool:
    """Every signed-in user has a bell: their own notifications, listed and marked read."""
    return _signed_in(user)


def can_choose_notifications(user: User) -> bool:
    """Every signed-in user chooses which optional kinds they receive (security mail cannot be refused)."""
    return _signed_in(user)


def can_save_language(user: User) -> bool:
    """Every signed-in user's language switch is saved on their account (their pages and notifications speak it);
    anonymous visitors' stays in their browser."""
    return _signed_in(user)


def can_view_mail_outbox(user: User) -> bool:
    """The mail written to the outbox folder when no SMTP server is configured (for the developer)."""
    return is_organizer(user)


# --- drafts ------------------------------------------------------------------------------------------------

def can_keep_drafts(user: User) -> bool:
    """Every signed-in user's typing is autosaved as a draft of their own (``awards.drafts``); only they see it."""
    return _signed_in(user)


# --- the provincial round (awards/provincial) --------------------------------------------------------------
# Seats are read from ``user.provincial_seats`` (loaded on first use, so pages outside the round pay nothing).

def _provincial_seat(user: User, cycle_id: int, province_id: int) -> ProvincialSeat | None:
    """The user's seat on the working group of ``province_id`` in ``cycle_id``, if any."""
    if not _signed_in(user):
        return None
    return next((seat for seat in user.provincial_seats
                 if seat.group.cycle_id == cycle_id and seat.group.province_id == province_id), None)


def sits_on_provincial_group(user: User, nomination: Nomination) -> bool:
    """A member (chair included) of the working group of the nomination's province and cycle."""
    return _provincial_seat(user, nomination.cycle_id, nomination.province_id) is not None


def sits_on_any_provincial_group(user: User) -> bool:
    """The «کارگروه استانی» menu: a seat on some province's working group."""
    return _signed_in(user) and bool(user.provincial_seats)


def can_view_provincial_group(user: User, group: ProvincialGroup) -> bool:
    """A working group's page: organizers (every province), the province's officer, and the group's members."""
    if is_organizer(user):
        return True
    if is_province_officer(user) and user.province_id == group.province_id:
        return True
    return _provincial_seat(user, group.cycle_id, group.province_id) is not None


def can_view_provincial_ranking(user: User, group: ProvincialGroup, cycle: Cycle) -> bool:
    """The province's provincial scores and ranking: organizers at any time; its officer and its group's members
    once provincial scoring has closed (no member sees others' scores while still scoring)."""
    if is_organizer(user):
        return True
    if not can_view_provincial_group(user, group):
        return False
    return cycle.phase_at(clock.now()) not in (Phase.NOT_OPEN, Phase.NOMINATION, Phase.PROVINCIAL_SCORING)


def can_manage_provincial_group(user: User, group: ProvincialGroup) -> bool:
    """Seats, chair and organisations of a working group: the officer of its province."""
    return is_province_officer(user) and user.province_id == group.province_id


def can_manage_provincial_round(user: User) -> bool:
    """The per-cycle switch, its dates and the provincial rubric: organizers."""
    return is_organizer(user)


def can_score_provincially(user: User, nomination: Nomination) -> bool:
    """A member of the working group of the nomination's province (phase, state and conflicts: the service)."""
    return sits_on_provincial_group(user, nomination)


def can_forward_nomination(user: User, nomination: Nomination) -> bool:
    """Forward a dossier to the national round (or not): the chair of its province's working group."""
    seat = _provincial_seat(user, nomination.cycle_id, nomination.province_id)
    return seat is not None and seat.is_chair


def chairs_provincial_group(user: User, group: ProvincialGroup) -> bool:
    """Reopen a member's provincial sheet, close a category's selection at once, record the group's minutes: the
    chair of the working group."""
    seat = _provincial_seat(user, group.cycle_id, group.province_id)
    return seat is not None and seat.is_chair


def can_award_provincially(user: User, nomination: Nomination) -> bool:
    """A provincial award (and its certificate) for a dossier not forwarded: the officer of its province."""
    return owns_nomination(user, nomination)


def can_manage_provincial_signatories(user: User, province_id: int) -> bool:
    """Who signs a province's certificates (add, edit, reorder, remove): its officer, and organizers."""
    return is_organizer(user) or (is_province_officer(user) and user.province_id == province_id)


def can_print_provincial_certificate(user: User, award: ProvincialAward) -> bool:
    """A provincial award's certificate PDF: the officer of the province that issued it, and organizers."""
    return is_organizer(user) or (is_province_officer(user) and user.province_id == award.province_id)


def can_revoke_provincial_award(user: User, award: ProvincialAward) -> bool:
    """Revoke a provincial award, with a reason: the officer of the province that issued it."""
    return is_province_officer(user) and user.province_id == award.province_id
