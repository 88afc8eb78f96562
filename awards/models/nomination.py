"""A nomination (نامزد): the dossier a province submits, and where it stands."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.db import Base, UTCDateTime, utcnow
from awards.enums import NominationState
from awards.models._types import enum_column

if TYPE_CHECKING:
    from awards.models.category import Category
    from awards.models.cycle import Cycle
    from awards.models.document import EvidenceDocument
    from awards.models.province import Province
    from awards.models.user import User


class Nomination(Base):
    __tablename__ = "nominations"
    __table_args__ = (
        CheckConstraint("legal_id IS NULL OR length(legal_id) = 11", name="legal_id_length"),
        CheckConstraint("national_code IS NULL OR length(national_code) = 10", name="national_code_length"),
        CheckConstraint("founding_year IS NULL OR founding_year BETWEEN 1200 AND 1500", name="founding_year"),
        CheckConstraint("employees IS NULL OR employees >= 0", name="employees_non_negative"),
        CheckConstraint("salutation IS NULL OR salutation IN ('جناب آقای', 'سرکار خانم')", name="known_salutation"),
        CheckConstraint("annual_sales IS NULL OR annual_sales >= 0", name="sales_non_negative"),
        CheckConstraint("exports_value IS NULL OR exports_value >= 0", name="exports_non_negative"),
        CheckConstraint(
            "state <> 'ineligible' OR ineligible_reason IS NOT NULL", name="ineligible_has_reason"
        ),
        # Duplicate nominees (awards.nominations.queries.duplicate_nominees) are found through these.
        Index("ix_nominations_cycle_legal_id", "cycle_id", "legal_id"),
        Index("ix_nominations_cycle_national_code", "cycle_id", "national_code"),
        # Lists read a page in order from an index and count from an index alone, rather than sorting or reading
        # every row (issue 14). The screening queue: a cycle's dossiers in one state, oldest submission first.
        Index("ix_nominations_cycle_state_submitted", "cycle_id", "state", "submitted_at", "id"),
        # The compliance queue: a cycle's dossiers by submission, the state checked in the index.
        Index("ix_nominations_cycle_submitted", "cycle_id", "submitted_at", "id", "state"),
        # The evaluation inbox and a sheet's previous and next: in evaluation, by category then dossier number.
        Index("ix_nominations_state_category", "state", "category_id", "id"),
        # The nominations list: newest change first, everywhere or in one province.
        Index("ix_nominations_updated", "updated_at", "id"),
        Index("ix_nominations_province_updated", "province_id", "updated_at", "id"),
        # The home page's counts by state and province, the queues' sizes and a province's quota use read these
        # (covering) indexes, not every nomination row (issue 14).
        Index("ix_nominations_cycle_state_province", "cycle_id", "state", "province_id", "category_id"),
        Index("ix_nominations_province_category_state", "province_id", "category_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    state: Mapped[NominationState] = mapped_column(
        enum_column(NominationState, "nomination_state"), default=NominationState.DRAFT, index=True
    )

    nominee_name: Mapped[str] = mapped_column(String(200))
    # ی/ک-normalised, Latin-digit, casefolded copy of the name for tolerant search.
    search_name: Mapped[str] = mapped_column(String(200), index=True, default="")
    legal_id: Mapped[str | None] = mapped_column(String(11))
    national_code: Mapped[str | None] = mapped_column(String(10))
    # How the certificate addresses the recipient: «جناب آقای», «سرکار خانم» or nothing.
    salutation: Mapped[str | None] = mapped_column(String(20))
    representative_name: Mapped[str | None] = mapped_column(String(120))
    representative_title: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(80))
    sector: Mapped[str | None] = mapped_column(String(120))
    founding_year: Mapped[int | None] = mapped_column()  # Jalali year
    employees: Mapped[int | None] = mapped_column()
    annual_sales: Mapped[int | None] = mapped_column(BigInteger)  # million rials
    exports_value: Mapped[int | None] = mapped_column(BigInteger)  # thousand US dollars
    growth_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    narrative: Mapped[str | None] = mapped_column(Text)
    mobile: Mapped[str | None] = mapped_column(String(11))

    return_reason: Mapped[str | None] = mapped_column(Text)
    ineligible_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship()
    category: Mapped[Category] = relationship()
    province: Mapped[Province] = relationship()
    created_by: Mapped[User | None] = relationship()
    documents: Mapped[list[EvidenceDocument]] = relationship(
        back_populates="nomination", order_by="EvidenceDocument.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Nomination {self.id} {self.state}>"
