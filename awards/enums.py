"""States, kinds and codes of the domain: a leaf module that imports nothing of ours."""

from __future__ import annotations

from enum import StrEnum


class NomineeKind(StrEnum):
    LEGAL_ENTITY = "legal_entity"
    PERSON = "person"
    CLUSTER = "cluster"
    PROJECT = "project"


class NominationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_EVALUATION = "in_evaluation"
    SHORTLISTED = "shortlisted"
    AWARDED = "awarded"
    NOT_SELECTED = "not_selected"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"
    # The provincial round (when the cycle has it on): the province's working group forwards a submitted
    # dossier to the national round, or not; one not forwarded may still get a provincial award.
    FORWARDED = "forwarded"
    NOT_FORWARDED = "not_forwarded"
    PROVINCIALLY_AWARDED = "provincially_awarded"


class NominationAction(StrEnum):
    """The edges of the nomination state machine."""

    SUBMIT = "submit"
    RETURN = "return"
    ACCEPT = "accept"
    WITHDRAW = "withdraw"
    FAIL_COMPLIANCE = "fail_compliance"
    SHORTLIST = "shortlist"
    AWARD = "award"
    NOT_SELECT = "not_select"
    FORWARD = "forward"
    NOT_FORWARD = "not_forward"
    PROVINCIAL_AWARD = "provincial_award"


class CommitteeCode(StrEnum):
    WINNERS = "winners"
    PROVINCIAL_AFFAIRS = "provincial_affairs"
    MEDIA = "media"
    OVERSIGHT = "oversight"
    FINANCE = "finance"
    CONTENT = "content"


class Aggregation(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"


class ScreeningOutcome(StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"


class ComplianceOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class SheetState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ConflictSource(StrEnum):
    DECLARED = "declared"
    SAME_ORGANISATION = "same_organisation"
    SAME_PROVINCE = "same_province"


class Tier(StrEnum):
    GOLD = "gold"
    CERTIFICATE = "certificate"


class Phase(StrEnum):
    """Where a cycle stands on its timeline at a given moment."""

    NOT_OPEN = "not_open"
    NOMINATION = "nomination"
    # Only in a cycle with the provincial round on, between nominations close and screening.
    PROVINCIAL_SCORING = "provincial_scoring"
    PROVINCIAL_SELECTION = "provincial_selection"
    SCREENING = "screening"
    EVALUATION = "evaluation"
    RESULTS = "results"
    FINAL = "final"


class JobState(StrEnum):
    """Where a background job stands (awards/jobs.py)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PublicationState(StrEnum):
    """The media committee's publication of a cycle's winners: the press list, then the public page."""

    # Not "draft": enum members that are equal strings are one key in awards.labels.LABELS.
    PREPARING = "preparing"
    APPROVED = "approved"
    OPEN = "open"


class PublicationAction(StrEnum):
    """The edges of the publication state machine (``awards/publication/services.py``)."""

    SAVE_INTRO = "save_intro"
    APPROVE = "approve"
    OPEN = "open"


class SignoffState(StrEnum):
    """A committee's sign-off of its scoring of a category, as it stands now (derived, never stored)."""

    # Values unlike any other labelled enum's: equal strings are one key in awards.labels.LABELS.
    AWAITING = "awaiting_signoff"
    SIGNED = "signed_off"
    OUTDATED = "signoff_outdated"


class SignoffAction(StrEnum):
    """The edges of the sign-off state machine (``awards/results/signoff.py``)."""

    SIGN = "sign"
    WITHDRAW = "withdraw_signoff"


class BudgetState(StrEnum):
    """The finance committee's award budget of a cycle (``awards/budget/services.py``)."""

    # Not "draft" nor "approved": enum members that are equal strings are one key in awards.labels.LABELS.
    DRAFTING = "drafting"
    UNDER_REVIEW = "under_review"
    APPROVED = "budget_approved"


class BudgetAction(StrEnum):
    """The edges of the budget state machine: the organizer edits and submits, the finance chair decides."""

    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"


class BudgetLineKind(StrEnum):
    """A cost per award of one tier (times the tier's award count), or a fixed amount."""

    PER_AWARD = "per_award"
    FIXED = "fixed"


class IndicatorRule(StrEnum):
    """How a computed criterion turns an indicator's verified figure into points (a judged one has none)."""

    BANDS = "bands"
    LINEAR = "linear"


class MeetingBody(StrEnum):
    """The kind of body a meeting belongs to: a committee of the cycle, or a province's working group."""

    COMMITTEE = "committee"
    PROVINCIAL_GROUP = "provincial_group"


class MeetingState(StrEnum):
    """Minutes of a meeting (``awards/meetings/services.py``): recorded, then signed by each attendee, then sealed."""

    # Not "draft": labelled enums must not share a value (see PublicationState).
    RECORDING = "recording"
    SIGNING = "signing"
    SEALED = "sealed"


class MeetingAction(StrEnum):
    """The edges of the minutes' state machine."""

    EDIT = "edit"
    SIGN = "sign"
    REOPEN = "reopen"


class DecisionKind(StrEnum):
    """What a numbered decision of the minutes is about, and so what it links to."""

    CATEGORY_RANKING = "category_ranking"
    TIE_ORDER = "tie_order"
    SCREENING = "screening_outcomes"
    COMPLIANCE = "compliance_outcomes"
    BUDGET = "budget"
    GENERAL = "general"
    #: A province's ranking in a category on the provincial rubric, with each dossier's forwarding (working groups).
    PROVINCIAL_RANKING = "provincial_ranking"
