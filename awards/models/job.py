"""Background jobs the UI follows with a progress bar (bulk certificates, big exports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from awards.db import Base, UTCDateTime, utcnow
from awards.enums import JobState
from awards.models._types import enum_column


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("done >= 0 AND (total IS NULL OR done <= total)", name="progress_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[JobState] = mapped_column(enum_column(JobState, "job_state"), default=JobState.QUEUED)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None] = mapped_column()
    result_path: Mapped[str | None] = mapped_column(String(300))
    result_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Touched every few seconds while a consumer runs the job; a stale one means the consumer died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == JobState.DONE else 0
        return int(100 * self.done / self.total)
