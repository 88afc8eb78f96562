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
