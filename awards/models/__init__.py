"""Every model, importable from one place (and registered with the metadata on import)."""

from awards.models.audit import AuditChainHead, AuditEvent
from awards.models.award import Award, TieResolution
from awards.models.budget import Budget, BudgetLine
from awards.models.category import Category, CategoryCommittee, Criterion
from awards.models.citation import Citation
from awards.models.committee import Committee, Membership
from awards.models.conflict import Conflict
from awards.models.cycle import Cycle, Signatory
from awards.models.decision import ComplianceDecision, ScreeningDecision
from awards.models.document import EvidenceDocument
from awards.models.form_draft import FormDraft
from awards.models.indicator import CriterionBand, Indicator, IndicatorValue
from awards.models.job import Job
from awards.models.meeting import Meeting, MeetingAttendee, MeetingDecision
from awards.models.nomination import Nomination
from awards.models.notification import Notification, NotificationOptOut
from awards.models.password_link import PasswordLink
from awards.models.pending_form import PendingForm
from awards.models.province import Province
from awards.models.provincial import (
    ProvincialAward,
    ProvincialCriterion,
    ProvincialDecision,
    ProvincialGroup,
    ProvincialRound,
    ProvincialScore,
    ProvincialSeat,
    ProvincialSheet,
    ProvincialSignatory,
)
from awards.models.publication import Publication
from awards.models.score import Assignment, Score, ScoreSheet
from awards.models.setting import Setting
from awards.models.signoff import CommitteeSignoff
from awards.models.two_factor import RecoveryCode, TotpCredential
from awards.models.user import User
from awards.models.user_session import UserSession

__all__ = [
    "Assignment",
    "AuditChainHead",
    "AuditEvent",
    "Award",
    "Budget",
    "BudgetLine",
    "Category",
    "CategoryCommittee",
    "Citation",
    "Committee",
    "CommitteeSignoff",
    "ComplianceDecision",
    "Conflict",
    "Criterion",
    "CriterionBand",
    "Cycle",
    "EvidenceDocument",
    "FormDraft",
    "Indicator",
    "IndicatorValue",
    "Job",
    "Meeting",
    "MeetingAttendee",
    "MeetingDecision",
    "Membership",
    "Nomination",
    "Notification",
    "NotificationOptOut",
    "PasswordLink",
    "PendingForm",
    "Province",
    "ProvincialAward",
    "ProvincialCriterion",
    "ProvincialDecision",
    "ProvincialGroup",
    "ProvincialRound",
    "ProvincialScore",
    "ProvincialSeat",
    "ProvincialSheet",
    "ProvincialSignatory",
    "Publication",
    "RecoveryCode",
    "Score",
    "ScoreSheet",
    "ScreeningDecision",
    "Setting",
    "Signatory",
    "TieResolution",
    "TotpCredential",
    "User",
    "UserSession",
]
