"""Minutes (صورتجلسه) of a committee's or a provincial working group's meeting: who was present, the agenda, the
numbered decisions, and each attendee's confirmation; sealed with the digest of their content once every attendee
has confirmed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime
from awards.enums import DecisionKind, MeetingBody, MeetingState
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.category import Category
    from awards.models.committee import Committee
    from awards.models.cycle import Cycle
    from awards.models.provincial import ProvincialGroup
    from awards.models.user import User

#: One arm per kind of body: the body names its own row, and only that one.
BODY_IS_NAMED = ("(body = 'committee' AND committee_id IS NOT NULL AND provincial_group_id IS NULL)"
                 " OR (body = 'provincial_group' AND provincial_group_id IS NOT NULL AND committee_id IS NULL)")
#: Decision kinds linked to a category (they name it).
CATEGORY_KINDS = ("(kind IN ('category_ranking', 'tie_order', 'screening_outcomes', 'compliance_outcomes',"
                  " 'provincial_ranking')) = (category_id IS NOT NULL)")


class Meeting(Base):
    """One meeting of a body (a committee of the cycle, or a province's working group of the cycle) and its minutes.

    ``number`` is ``<year>-<CODE>-<NN>`` for a committee (e.g. ``1404-WIN-03``) and ``<year>-<LL>-G<NN>`` for a
    working group (``LL`` the province's two letters of the provincial serials: ``1404-FA-G02``), ``sequence``
    counting per body and cycle (a group belongs to one cycle; the unique ``number`` keeps a group's sequence
    unique, as its year and province letters name the group).
    ``token`` is the public confirmation page's address (``/minutes/<token>``). Sealed minutes keep the SHA-256
    of their canonical content in ``content_digest`` and never change again.
    """

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("cycle_id", "committee_id", "sequence"),
        # A new kind of body adds its own column and an arm here.
        CheckConstraint(BODY_IS_NAMED, name="body_is_named"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
        CheckConstraint("(state = 'sealed') = (sealed_at IS NOT NULL)", name="sealed_state_has_time"),
        CheckConstraint("(sealed_at IS NULL) = (content_digest IS NULL)", name="seal_has_digest"),
        CheckConstraint("length(place) > 0", name="place_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    body: Mapped[MeetingBody] = mapped_column(enum_column(MeetingBody, "meeting_body"), default=MeetingBody.COMMITTEE)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    provincial_group_id: Mapped[int | None] = mapped_column(ForeignKey("provincial_groups.id"), index=True)
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(40), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[MeetingState] = mapped_column(enum_column(MeetingState, "meeting_state"),
                                                default=MeetingState.RECORDING)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_digest: Mapped[str | None] = mapped_column(String(64))

    cycle: Mapped[Cycle] = relationship()
    committee: Mapped[Committee | None] = relationship()
    provincial_group: Mapped[ProvincialGroup | None] = relationship()
    recorded_by: Mapped[User] = relationship()
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendee.position")
    decisions: Mapped[list[MeetingDecision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingDecision.position")

    def __repr__(self) -> str:
        return f"<Meeting {self.number} {self.state}>"


class MeetingAttendee(Base):
    """A member present at the meeting; ``name`` and ``role`` are kept as written in the minutes. ``signed_at``
    and ``signed_digest`` record the attendee's confirmation and the content digest they confirmed."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        CheckConstraint("(signed_at IS NULL) = (signed_digest IS NULL)", name="signature_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_digest: Mapped[str | None] = mapped_column(String(64))

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    user: Mapped[User] = relationship()


class MeetingDecision(Base):
    """A numbered decision of the minutes, linked to what Tandis holds.

    A category's ranking keeps the result's digest at recording time (``result_digest``: a proposal needs sealed
    minutes whose ranking still matches) and, like the other linked kinds, a snapshot of its table (``table``:
    columns and rows as printed), so the minutes read the same however the data moves on. ``subject_ids`` are the
    rows a decision covers (screening or compliance decisions, tie orderings, the dossiers of a provincial
    ranking, whose table also prints each one's forwarding as decided then). A budget carries an amount in rials.
    """

    __tablename__ = "meeting_decisions"
    __table_args__ = (
        UniqueConstraint("meeting_id", "position"),
        CheckConstraint(CATEGORY_KINDS, name="category_kinds"),
        CheckConstraint("(kind = 'category_ranking') = (result_digest IS NOT NULL)", name="ranking_has_digest"),
        CheckConstraint("kind = 'budget' OR amount IS NULL", name="amount_only_in_budget"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint("kind NOT IN ('budget', 'general') OR length(text) > 0", name="free_decision_has_text"),
        CheckConstraint("position > 0", name="position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind, "decision_kind"))
    text: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    subject_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    result_digest: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 0))
    table: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    category: Mapped[Category | None] = relationship()
