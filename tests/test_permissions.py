"""Who may do what: every predicate in ``awards.permissions`` (and every nomination edge) against every role.

The matrices below are the specification: one row per predicate (a bracket names the case: the nomination's state,
the committee, or "any cycle" for a check not bound to the nomination's cycle), one column per role, ``x`` where
the predicate lets the role through and ``.`` where it refuses. The roles are built as small unsaved model objects
(the predicates read only attributes), and once more from the demo's accounts in the database.

Columns: ``org`` organizer; ``own`` the province officer of the nomination's province, ``oth`` another
province's officer; committee members of the nomination's cycle: ``pa`` provincial affairs, ``ovs`` oversight,
``win`` winners, ``con`` content, ``med`` media, ``fin`` finance (``*`` marks the chair); ``prev`` chairs every
committee but in another cycle; ``dis`` a disabled account holding every role; ``anon`` not signed in.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from awards import clock, permissions
from awards.demo import jalali_moment
from awards.enums import CommitteeCode, MeetingBody, NominationAction, NominationState
from awards.models import (
    Category,
    Committee,
    Cycle,
    Meeting,
    MeetingAttendee,
    Membership,
    Nomination,
    ProvincialAward,
    ProvincialGroup,
    ScoreSheet,
    User,
)
from awards.nominations.states import EDGES

C = CommitteeCode
S = NominationState

ROLES = ("org", "own", "oth", "pa", "pa*", "ovs", "win", "win*", "con", "con*", "med", "fin", "prev", "dis", "anon")

MATRIX = {
    #                                      org  own  oth  pa   pa*  ovs  win  win* con  con* med  fin  prev dis  anon
    "is_organizer":                        "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "is_province_officer":                 ".    x    x    .    .    .    .    .    .    .    .    .    .    .    .",
    "is_member[pa]":                       ".    .    .    x    x    .    .    .    .    .    .    .    .    .    .",
    "is_member[pa, any cycle]":            ".    .    .    x    x    .    .    .    .    .    .    .    x    .    .",
    "is_chair[winners]":                   ".    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "is_chair[winners, any cycle]":        ".    .    .    .    .    .    .    x    .    .    .    .    x    .    .",
    "chairs_any_committee":                ".    .    .    .    x    .    .    x    .    x    .    .    x    .    .",
    "is_committee_member":                 ".    .    .    x    x    x    x    x    x    x    x    x    .    .    .",
    "is_committee_member[any cycle]":      ".    .    .    x    x    x    x    x    x    x    x    x    x    .    .",
    "can_manage_cycles":                   "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_administer":                      "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_users":                    "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_create_nomination":               ".    x    x    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_all_provinces":              "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_list_nominations":                "x    x    x    .    .    .    .    .    .    .    .    .    .    .    .",
    "owns_nomination":                     ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_nomination[draft]":          "x    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_nomination[submitted]":      "x    x    .    x    x    .    .    .    .    .    .    .    .    .    .",
    "can_view_nomination[evaluating]":     "x    x    .    x    x    x    x    x    x    x    x    x    .    .    .",
    "can_view_nomination[withdrawn]":      "x    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_edit_nomination[draft]":          ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_edit_nomination[submitted]":      ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_screen":                          ".    .    .    x    x    .    .    .    .    .    .    .    .    .    .",
    "can_screen[any cycle]":               ".    .    .    x    x    .    .    .    .    .    .    .    x    .    .",
    "can_check_compliance":                ".    .    .    .    .    x    .    .    .    .    .    .    .    .    .",
    "can_check_compliance[any cycle]":     ".    .    .    .    .    x    .    .    .    .    .    .    x    .    .",
    "can_end_sessions":                    "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_audit":                      "x    .    .    .    .    x    .    .    .    .    .    .    x    .    .",
    "can_view_evidence[submitted]":        "x    x    .    x    x    .    .    .    .    .    .    .    .    .    .",
    "can_submit_nomination[draft]":        ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_submit_nomination[submitted]":    ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_withdraw_nomination[submitted]":  ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_withdraw_nomination[evaluating]": ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_screen_nomination":               ".    .    .    x    x    .    .    .    .    .    .    .    .    .    .",
    "can_decide_compliance":               ".    .    .    .    .    x    .    .    .    .    .    .    .    .    .",
    "can_shortlist":                       "x    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "can_finalise_outcome":                "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_evidence[draft]":          ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_evidence[submitted]":      ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_use_evaluation":                  "x    .    .    x    x    x    x    x    x    x    x    x    x    .    .",
    "can_manage_rubric":                   "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_indicators":               "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_assignments":              "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_conflicts":                "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_score[winners]":                  ".    .    .    .    .    .    x    x    .    .    .    .    .    .    .",
    "can_score[media]":                    ".    .    .    .    .    .    .    .    .    .    x    .    .    .    .",
    "can_score[oversight]":                ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_verify_figure[finance]":          ".    .    .    .    .    .    .    .    .    .    .    x    .    .    .",
    "can_verify_figure[media]":            ".    .    .    .    .    .    .    .    .    .    x    .    .    .    .",
    "can_reopen_sheet[winners]":           ".    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "can_declare_conflict":                ".    .    .    x    x    x    x    x    x    x    x    x    .    .    .",
    "can_view_citations":                  "x    .    .    .    .    .    .    .    x    x    .    .    x    .    .",
    "can_write_citation":                  ".    .    .    .    .    .    .    .    x    x    .    .    .    .    .",
    "can_approve_citation":                ".    .    .    .    .    .    .    .    .    x    .    .    .    .    .",
    "can_list_results":                    "x    .    .    x    x    x    x    x    x    x    x    x    .    .    .",
    "can_view_results[evaluation]":        "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_results[results]":           "x    .    .    x    x    x    x    x    x    x    x    x    .    .    .",
    "can_export_results[evaluation]":      "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_export_results[results]":         "x    .    .    x    x    x    x    x    x    x    x    x    .    .    .",
    "can_propose_results":                 ".    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "can_confirm_results":                 "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_sign_off[winners]":               ".    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "can_sign_off[content]":               ".    .    .    .    .    .    .    .    .    x    .    .    .    .    .",
    "can_sign_off[media]":                 ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_sign_off[oversight]":             ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_print_certificates":              "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_revoke_award":                    ".    .    .    .    .    x    .    .    .    .    .    .    .    .    .",
    "can_revoke_award[any cycle]":         ".    .    .    .    .    x    .    .    .    .    .    .    x    .    .",
    "can_view_awards":                     "x    .    .    .    .    x    .    .    .    .    .    .    x    .    .",
    "can_view_press_list":                 "x    .    .    .    .    .    .    .    .    .    x    .    .    .    .",
    "can_approve_publication":             ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_open_winners_page":               ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_budget":                     "x    .    .    .    .    .    .    .    .    .    .    x    .    .    .",
    "can_edit_budget":                     "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_decide_budget":                   ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_minutes[winners]":           "x    .    .    .    .    .    x    x    .    .    .    .    .    .    .",
    "can_view_minutes[content]":           "x    .    .    .    .    .    .    .    x    x    .    .    .    .    .",
    "can_record_minutes[winners]":         ".    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "can_record_minutes[content]":         ".    .    .    .    .    .    .    .    .    x    .    .    .    .    .",
    "can_sign_minutes[win* and win came]": ".    .    .    .    .    .    x    x    .    .    .    .    .    .    .",
    "can_view_meeting[winners]":           "x    .    .    .    .    .    x    x    .    .    .    .    .    .    .",
    "can_view_meeting[group]":             "x    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_record_meeting[winners]":         ".    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "can_record_meeting[group]":           ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "is_signed_in":                        "x    x    x    x    x    x    x    x    x    x    x    x    x    .    .",
    "can_remind_members[winners]":         ".    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "can_remind_members[oversight]":       ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_read_notifications":              "x    x    x    x    x    x    x    x    x    x    x    x    x    .    .",
    "can_choose_notifications":            "x    x    x    x    x    x    x    x    x    x    x    x    x    .    .",
    "can_save_language":                   "x    x    x    x    x    x    x    x    x    x    x    x    x    .    .",
    "can_view_mail_outbox":                "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_keep_drafts":                     "x    x    x    x    x    x    x    x    x    x    x    x    x    .    .",
    # The provincial round: none of these roles sits on a working group (tests/provincial/test_permissions.py
    # adds the group's chair and members).
    "sits_on_provincial_group":            ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "sits_on_any_provincial_group":        ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_provincial_group":           "x    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_provincial_ranking":         "x    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_provincial_group":         ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_provincial_round":         "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_score_provincially":              ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_forward_nomination":              ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "chairs_provincial_group":             ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_award_provincially":              ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_manage_provincial_signatories":   "x    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_print_provincial_certificate":    "x    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_revoke_provincial_award":         ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "can_view_nomination[forwarded]":      "x    x    .    x    x    .    .    .    .    .    .    .    .    .    .",
    "can_view_nomination[not_forwarded]":  "x    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
}

EDGE_MATRIX = {
    #                                      org  own  oth  pa   pa*  ovs  win  win* con  con* med  fin  prev dis  anon
    "submit":                              ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "return":                              ".    .    .    x    x    .    .    .    .    .    .    .    .    .    .",
    "accept":                              ".    .    .    x    x    .    .    .    .    .    .    .    .    .    .",
    "withdraw":                            ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "fail_compliance":                     ".    .    .    .    .    x    .    .    .    .    .    .    .    .    .",
    "shortlist":                           "x    .    .    .    .    .    .    x    .    .    .    .    .    .    .",
    "award":                               "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "not_select":                          "x    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "forward":                             ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "not_forward":                         ".    .    .    .    .    .    .    .    .    .    .    .    .    .    .",
    "provincial_award":                    ".    x    .    .    .    .    .    .    .    .    .    .    .    .    .",
}


#: The demo's accounts that play a column (the demo has no disabled account, no earlier cycle, and no anonymous).
DEMO_USERS = {
    "org": "admin",
    "own": "fars",
    "oth": "tehran",
    "pa": "provincial_affairs-1",
    "pa*": "provincial_affairs-chair",
    "ovs": "oversight-1",
    "win": "winners-1",
    "win*": "winners-chair",
    "con": "content-1",
    "con*": "content-chair",
    "med": "media-1",
    "fin": "finance-1",
}

#: Moments inside the demo cycle's evaluation and results phases (the unsaved cycle copies its timeline).
EVALUATING = jalali_moment(1404, 3, 20, 10, 0)
RESULTS = jalali_moment(1404, 4, 2, 10, 0)


@dataclass
class World:
    """What the predicates are asked about: one cycle, one province's nominations, committees by code."""

    cycle: Cycle
    category: Category
    committees: dict[CommitteeCode, Committee]
    province_id: int
    users: dict[str, object]

    def nomination(self, state: NominationState) -> Nomination:
        return Nomination(cycle_id=self.cycle.id, province_id=self.province_id, state=state)

    @property
    def group(self) -> ProvincialGroup:
        """The working group of the nomination's province in the cycle (no seats: see tests/provincial)."""
        return ProvincialGroup(cycle_id=self.cycle.id, province_id=self.province_id)

    def sheet(self, code: CommitteeCode) -> ScoreSheet:
        return ScoreSheet(nomination=self.nomination(S.IN_EVALUATION), committee=self.committees[code])

    def winners_meeting(self) -> Meeting:
        return Meeting(cycle=self.cycle, body=MeetingBody.COMMITTEE, committee=self.committees[C.WINNERS])

    def group_meeting(self) -> Meeting:
        """Minutes of the working group of the nomination's province (no seats: see tests/meetings)."""
        return Meeting(cycle=self.cycle, body=MeetingBody.PROVINCIAL_GROUP, provincial_group=self.group)

    def meeting(self) -> Meeting:
        """Winners' minutes with the chair and one member present."""
        return Meeting(cycle_id=self.cycle.id, attendees=[MeetingAttendee(user_id=self.users[role].id)
                                                          for role in ("win*", "win")])


def _at(moment: datetime, predicate: Callable[..., bool], *args) -> bool:
    clock.freeze(moment)
    try:
        return predicate(*args)
    finally:
        clock.freeze(None)


P = permissions

#: How each row of MATRIX asks its predicate, given a user and the world.
CALLS: dict[str, Callable[[object, World], bool]] = {
    "is_organizer": lambda u, w: P.is_organizer(u),
    "is_province_officer": lambda u, w: P.is_province_officer(u),
    "is_member[pa]": lambda u, w: P.is_member(u, C.PROVINCIAL_AFFAIRS, w.cycle.id),
    "is_member[pa, any cycle]": lambda u, w: P.is_member(u, C.PROVINCIAL_AFFAIRS),
    "is_chair[winners]": lambda u, w: P.is_chair(u, C.WINNERS, w.cycle.id),
    "is_chair[winners, any cycle]": lambda u, w: P.is_chair(u, C.WINNERS),
    "chairs_any_committee": lambda u, w: P.chairs_any_committee(u),
    "is_committee_member": lambda u, w: P.is_committee_member(u, w.cycle.id),
    "is_committee_member[any cycle]": lambda u, w: P.is_committee_member(u),
    "can_manage_cycles": lambda u, w: P.can_manage_cycles(u),
    "can_administer": lambda u, w: P.can_administer(u),
    "can_manage_users": lambda u, w: P.can_manage_users(u),
    "can_create_nomination": lambda u, w: P.can_create_nomination(u),
    "can_view_all_provinces": lambda u, w: P.can_view_all_provinces(u),
    "can_list_nominations": lambda u, w: P.can_list_nominations(u),
    "owns_nomination": lambda u, w: P.owns_nomination(u, w.nomination(S.DRAFT)),
    "can_view_nomination[draft]": lambda u, w: P.can_view_nomination(u, w.nomination(S.DRAFT)),
    "can_view_nomination[submitted]": lambda u, w: P.can_view_nomination(u, w.nomination(S.SUBMITTED)),
    "can_view_nomination[evaluating]": lambda u, w: P.can_view_nomination(u, w.nomination(S.IN_EVALUATION)),
    "can_view_nomination[withdrawn]": lambda u, w: P.can_view_nomination(u, w.nomination(S.WITHDRAWN)),
    "can_edit_nomination[draft]": lambda u, w: P.can_edit_nomination(u, w.nomination(S.DRAFT)),
    "can_edit_nomination[submitted]": lambda u, w: P.can_edit_nomination(u, w.nomination(S.SUBMITTED)),
    "can_screen": lambda u, w: P.can_screen(u, w.cycle),
    "can_screen[any cycle]": lambda u, w: P.can_screen(u),
    "can_check_compliance": lambda u, w: P.can_check_compliance(u, w.cycle),
    "can_check_compliance[any cycle]": lambda u, w: P.can_check_compliance(u),
    "can_end_sessions": lambda u, w: P.can_end_sessions(u),
    "can_view_audit": lambda u, w: P.can_view_audit(u),
    "can_view_evidence[submitted]": lambda u, w: P.can_view_evidence(u, w.nomination(S.SUBMITTED)),
    "can_submit_nomination[draft]": lambda u, w: P.can_submit_nomination(u, w.nomination(S.DRAFT)),
    "can_submit_nomination[submitted]": lambda u, w: P.can_submit_nomination(u, w.nomination(S.SUBMITTED)),
    "can_withdraw_nomination[submitted]": lambda u, w: P.can_withdraw_nomination(u, w.nomination(S.SUBMITTED)),
    "can_withdraw_nomination[evaluating]":
        lambda u, w: P.can_withdraw_nomination(u, w.nomination(S.IN_EVALUATION)),
    "can_screen_nomination": lambda u, w: P.can_screen_nomination(u, w.nomination(S.SUBMITTED)),
    "can_decide_compliance": lambda u, w: P.can_decide_compliance(u, w.nomination(S.IN_EVALUATION)),
    "can_shortlist": lambda u, w: P.can_shortlist(u, w.nomination(S.IN_EVALUATION)),
    "can_finalise_outcome": lambda u, w: P.can_finalise_outcome(u, w.nomination(S.SHORTLISTED)),
    "can_manage_evidence[draft]": lambda u, w: P.can_manage_evidence(u, w.nomination(S.DRAFT)),
    "can_manage_evidence[submitted]": lambda u, w: P.can_manage_evidence(u, w.nomination(S.SUBMITTED)),
    "can_use_evaluation": lambda u, w: P.can_use_evaluation(u),
    "can_manage_rubric": lambda u, w: P.can_manage_rubric(u),
    "can_manage_indicators": lambda u, w: P.can_manage_indicators(u),
    "can_manage_assignments": lambda u, w: P.can_manage_assignments(u),
    "can_manage_conflicts": lambda u, w: P.can_manage_conflicts(u),
    "can_score[winners]": lambda u, w: P.can_score(u, w.nomination(S.IN_EVALUATION), w.committees[C.WINNERS]),
    "can_score[media]": lambda u, w: P.can_score(u, w.nomination(S.IN_EVALUATION), w.committees[C.MEDIA]),
    "can_score[oversight]": lambda u, w: P.can_score(u, w.nomination(S.IN_EVALUATION), w.committees[C.OVERSIGHT]),
    "can_verify_figure[finance]": lambda u, w: P.can_verify_figure(u, w.nomination(S.IN_EVALUATION),
                                                                   w.committees[C.FINANCE]),
    "can_verify_figure[media]": lambda u, w: P.can_verify_figure(u, w.nomination(S.IN_EVALUATION),
                                                                 w.committees[C.MEDIA]),
    "can_reopen_sheet[winners]": lambda u, w: P.can_reopen_sheet(u, w.sheet(C.WINNERS)),
    "can_declare_conflict": lambda u, w: P.can_declare_conflict(u, w.nomination(S.IN_EVALUATION)),
    "can_view_citations": lambda u, w: P.can_view_citations(u),
    "can_write_citation": lambda u, w: P.can_write_citation(u, w.nomination(S.SHORTLISTED)),
    "can_approve_citation": lambda u, w: P.can_approve_citation(u, w.nomination(S.SHORTLISTED)),
    "can_list_results": lambda u, w: P.can_list_results(u, w.cycle),
    "can_view_results[evaluation]": lambda u, w: _at(EVALUATING, P.can_view_results, u, w.cycle),
    "can_view_results[results]": lambda u, w: _at(RESULTS, P.can_view_results, u, w.cycle),
    "can_export_results[evaluation]": lambda u, w: _at(EVALUATING, P.can_export_results, u, w.category),
    "can_export_results[results]": lambda u, w: _at(RESULTS, P.can_export_results, u, w.category),
    "can_propose_results": lambda u, w: P.can_propose_results(u, w.category),
    "can_confirm_results": lambda u, w: P.can_confirm_results(u, w.category),
    "can_sign_off[winners]": lambda u, w: P.can_sign_off(u, w.category, w.committees[C.WINNERS]),
    "can_sign_off[content]": lambda u, w: P.can_sign_off(u, w.category, w.committees[C.CONTENT]),
    "can_sign_off[media]": lambda u, w: P.can_sign_off(u, w.category, w.committees[C.MEDIA]),
    "can_sign_off[oversight]": lambda u, w: P.can_sign_off(u, w.category, w.committees[C.OVERSIGHT]),
    "can_print_certificates": lambda u, w: P.can_print_certificates(u),
    "can_revoke_award": lambda u, w: P.can_revoke_award(u, w.cycle.id),
    "can_revoke_award[any cycle]": lambda u, w: P.can_revoke_award(u),
    "can_view_awards": lambda u, w: P.can_view_awards(u),
    "can_view_press_list": lambda u, w: P.can_view_press_list(u, w.cycle),
    "can_approve_publication": lambda u, w: P.can_approve_publication(u, w.cycle),
    "can_open_winners_page": lambda u, w: P.can_open_winners_page(u, w.cycle),
    "can_view_budget": lambda u, w: P.can_view_budget(u, w.cycle),
    "can_edit_budget": lambda u, w: P.can_edit_budget(u, w.cycle),
    "can_decide_budget": lambda u, w: P.can_decide_budget(u, w.cycle),
    "can_view_minutes[winners]": lambda u, w: P.can_view_minutes(u, w.cycle, C.WINNERS),
    "can_view_minutes[content]": lambda u, w: P.can_view_minutes(u, w.cycle, C.CONTENT),
    "can_record_minutes[winners]": lambda u, w: P.can_record_minutes(u, w.cycle, C.WINNERS),
    "can_record_minutes[content]": lambda u, w: P.can_record_minutes(u, w.cycle, C.CONTENT),
    "can_sign_minutes[win* and win came]": lambda u, w: P.can_sign_minutes(u, w.meeting()),
    "can_view_meeting[winners]": lambda u, w: P.can_view_meeting(u, w.winners_meeting()),
    "can_view_meeting[group]": lambda u, w: P.can_view_meeting(u, w.group_meeting()),
    "can_record_meeting[winners]": lambda u, w: P.can_record_meeting(u, w.winners_meeting()),
    "can_record_meeting[group]": lambda u, w: P.can_record_meeting(u, w.group_meeting()),
    "is_signed_in": lambda u, w: P.is_signed_in(u),
    "can_remind_members[winners]": lambda u, w: P.can_remind_members(u, C.WINNERS, w.cycle.id),
    "can_remind_members[oversight]": lambda u, w: P.can_remind_members(u, C.OVERSIGHT, w.cycle.id),
    "can_read_notifications": lambda u, w: P.can_read_notifications(u),
    "can_choose_notifications": lambda u, w: P.can_choose_notifications(u),
    "can_save_language": lambda u, w: P.can_save_language(u),
    "can_view_mail_outbox": lambda u, w: P.can_view_mail_outbox(u),
    "can_keep_drafts": lambda u, w: P.can_keep_drafts(u),
    "sits_on_provincial_group": lambda u, w: P.sits_on_provincial_group(u, w.nomination(S.SUBMITTED)),
    "sits_on_any_provincial_group": lambda u, w: P.sits_on_any_provincial_group(u),
    "can_view_provincial_group": lambda u, w: P.can_view_provincial_group(u, w.group),
    "can_manage_provincial_group": lambda u, w: P.can_manage_provincial_group(u, w.group),
    "can_view_provincial_ranking": lambda u, w: _at(EVALUATING, P.can_view_provincial_ranking, u, w.group, w.cycle),
    "can_manage_provincial_round": lambda u, w: P.can_manage_provincial_round(u),
    "can_score_provincially": lambda u, w: P.can_score_provincially(u, w.nomination(S.SUBMITTED)),
    "can_forward_nomination": lambda u, w: P.can_forward_nomination(u, w.nomination(S.SUBMITTED)),
    "chairs_provincial_group": lambda u, w: P.chairs_provincial_group(u, w.group),
    "can_award_provincially": lambda u, w: P.can_award_provincially(u, w.nomination(S.NOT_FORWARDED)),
    "can_manage_provincial_signatories": lambda u, w: P.can_manage_provincial_signatories(u, w.province_id),
    "can_print_provincial_certificate": lambda u, w: P.can_print_provincial_certificate(
        u, ProvincialAward(cycle_id=w.cycle.id, province_id=w.province_id)),
    "can_revoke_provincial_award": lambda u, w: P.can_revoke_provincial_award(
        u, ProvincialAward(cycle_id=w.cycle.id, province_id=w.province_id)),
    "can_view_nomination[forwarded]": lambda u, w: P.can_view_nomination(u, w.nomination(S.FORWARDED)),
    "can_view_nomination[not_forwarded]": lambda u, w: P.can_view_nomination(u, w.nomination(S.NOT_FORWARDED)),
}


def _expected(marks: str) -> dict[str, str]:
    cells = marks.split()
    assert len(cells) == len(ROLES), marks
    assert set(cells) <= {"x", "."}, marks
    return dict(zip(ROLES, cells, strict=True))


def _row(ask: Callable[[object], bool], users: dict[str, object]) -> dict[str, str]:
    answers = {role: ask(user) for role, user in users.items()}
    assert all(type(answer) is bool for answer in answers.values()), answers
    return {role: "x" if answer else "." for role, answer in answers.items()}


def _edge_call(action: NominationAction) -> Callable[[object, World], bool]:
    """Ask the edge's own predicate about a nomination standing in one of the edge's sources."""
    edge = EDGES[action]
    state = sorted(edge.sources)[0]
    return lambda u, w: edge.allowed(u, w.nomination(state))


# --- the unsaved world: every role, built from small factories ----------------------------------------------

CYCLE_ID, OTHER_CYCLE_ID = 1, 2
PROVINCE_ID, OTHER_PROVINCE_ID = 1, 2


_user_ids = itertools.count(1)


def _user(*, organizer: bool = False, province_id: int | None = None, seats: tuple = (), active: bool = True) -> User:
    # An id of its own, as a saved account has (attendance compares user ids).
    return User(id=next(_user_ids), username="u", full_name="کاربر", is_organizer=organizer,
                province_id=province_id, active=active, memberships=list(seats))


@pytest.fixture(scope="module")
def world() -> World:
    committees = {code: Committee(id=n, code=code) for n, code in enumerate(CommitteeCode, start=1)}

    def seat(code: CommitteeCode, *, chair: bool = False, cycle_id: int = CYCLE_ID) -> Membership:
        return Membership(cycle_id=cycle_id, committee=committees[code], is_chair=chair)

    every_chair = tuple(seat(code, chair=True) for code in CommitteeCode)
    users = {
        "org": _user(organizer=True),
        "own": _user(province_id=PROVINCE_ID),
        "oth": _user(province_id=OTHER_PROVINCE_ID),
        "pa": _user(seats=(seat(C.PROVINCIAL_AFFAIRS),)),
        "pa*": _user(seats=(seat(C.PROVINCIAL_AFFAIRS, chair=True),)),
        "ovs": _user(seats=(seat(C.OVERSIGHT),)),
        "win": _user(seats=(seat(C.WINNERS),)),
        "win*": _user(seats=(seat(C.WINNERS, chair=True),)),
        "con": _user(seats=(seat(C.CONTENT),)),
        "con*": _user(seats=(seat(C.CONTENT, chair=True),)),
        "med": _user(seats=(seat(C.MEDIA),)),
        "fin": _user(seats=(seat(C.FINANCE),)),
        "prev": _user(seats=tuple(seat(code, chair=True, cycle_id=OTHER_CYCLE_ID) for code in CommitteeCode)),
        "dis": _user(organizer=True, province_id=PROVINCE_ID, seats=every_chair, active=False),
        "anon": AnonymousUserMixin(),
    }
    assert tuple(users) == ROLES
    cycle = Cycle(id=CYCLE_ID, year=1404, nominations_open_at=jalali_moment(1403, 12, 1),
                  nominations_close_at=jalali_moment(1404, 2, 31, 23, 59),
                  screening_close_at=jalali_moment(1404, 3, 15, 23, 59),
                  evaluation_close_at=jalali_moment(1404, 3, 31, 23, 59),
                  results_final_at=jalali_moment(1404, 4, 5, 12, 0))
    return World(cycle=cycle, category=Category(id=1, cycle_id=CYCLE_ID, cycle=cycle), committees=committees,
                 province_id=PROVINCE_ID, users=users)


@pytest.mark.parametrize("key", list(MATRIX))
def test_permissions_matrix(world, key):
    assert _row(lambda user: CALLS[key](user, world), world.users) == _expected(MATRIX[key])


@pytest.mark.parametrize("action", list(NominationAction), ids=str)
def test_permissions_edge_matrix(world, action):
    assert _row(lambda user: _edge_call(action)(user, world), world.users) == _expected(EDGE_MATRIX[action.value])


# --- completeness: no predicate without a row, no edge without a predicate ----------------------------------

def _predicate_names() -> set[str]:
    return {
        name for name, function in inspect.getmembers(permissions, inspect.isfunction)
        if function.__module__ == permissions.__name__ and not name.startswith("_")
    }


def test_permissions_every_predicate_has_a_row_and_every_row_a_call():
    # committee_codes answers a set, not yes or no: it has its own test below.
    assert {key.split("[")[0] for key in MATRIX} == _predicate_names() - {"committee_codes"}
    assert set(CALLS) == set(MATRIX)


def test_permissions_committee_codes(world):
    users = world.users
    assert P.committee_codes(users["pa*"], CYCLE_ID) == {C.PROVINCIAL_AFFAIRS}
    assert P.committee_codes(users["prev"], CYCLE_ID) == set()
    assert P.committee_codes(users["prev"]) == set(CommitteeCode)
    assert P.committee_codes(users["org"]) == set()
    assert P.committee_codes(users["dis"]) == set()
    assert P.committee_codes(users["anon"]) == set()


def test_permissions_every_edge_names_a_predicate():
    assert set(EDGES) == set(NominationAction)
    assert set(EDGE_MATRIX) == {action.value for action in NominationAction}
    for action, edge in EDGES.items():
        assert callable(edge.allowed), action
        assert getattr(permissions, edge.allowed.__name__, None) is edge.allowed, action
        assert edge.allowed.__name__ in {key.split("[")[0] for key in MATRIX}, action
        assert isinstance(edge.who, str), action
        assert edge.who.strip(), action


# --- the same matrices for the demo's accounts, as the database loads them ---------------------------------

def test_permissions_matrix_holds_for_the_demo_accounts(session, demo):
    session.expire_all()
    users = {role: session.scalars(select(User).where(User.username == name)).one()
             for role, name in DEMO_USERS.items()}
    committees = {c.code: c for c in session.scalars(select(Committee))}
    real = World(cycle=demo.cycle, category=demo.categories["industry"], committees=committees,
                 province_id=users["own"].province_id, users=users)
    assert users["oth"].province_id != real.province_id
    mismatches = []
    rows = [(key, lambda u, key=key: CALLS[key](u, real), MATRIX[key]) for key in MATRIX]
    rows += [(action.value, lambda u, action=action: _edge_call(action)(u, real), EDGE_MATRIX[action.value])
             for action in NominationAction]
    for key, ask, marks in rows:
        expected = {role: mark for role, mark in _expected(marks).items() if role in DEMO_USERS}
        if (actual := _row(ask, users)) != expected:
            mismatches.append((key, actual, expected))
    assert mismatches == []


# --- chairs the matrix has no column for (it has no ``med*``): each predicate answers yes for that chair --------

#: Predicate -> the committee whose chair (of the cycle, and only of it) it lets through; the MATRIX rows above
#: already show every other role refused, the committee's plain member included.
CHAIR_ONLY = {
    "can_approve_publication": C.MEDIA,
    "can_open_winners_page": C.MEDIA,
    "can_sign_off[media]": C.MEDIA,
    "can_decide_budget": C.FINANCE,
}


@pytest.mark.parametrize("key", list(CHAIR_ONLY))
def test_permissions_chair_only_predicates_let_that_chair_through(world, key):
    committee = world.committees[CHAIR_ONLY[key]]
    chair = _user(seats=(Membership(cycle_id=CYCLE_ID, committee=committee, is_chair=True),))
    elsewhere = _user(seats=(Membership(cycle_id=OTHER_CYCLE_ID, committee=committee, is_chair=True),))
    assert CALLS[key](chair, world) is True
    assert CALLS[key](elsewhere, world) is False


@pytest.mark.parametrize("key", list(CHAIR_ONLY))
def test_permissions_chair_only_predicates_hold_for_the_demo_chair(session, demo, key):
    session.expire_all()
    chair = session.scalars(select(User).where(User.username == f"{CHAIR_ONLY[key].value}-chair")).one()
    committees = {c.code: c for c in session.scalars(select(Committee))}
    world = World(cycle=demo.cycle, category=demo.categories["industry"], committees=committees, province_id=0,
                  users={})
    assert CALLS[key](chair, world) is True
