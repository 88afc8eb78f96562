"""The 31 provinces of Iran."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from awards.db import Base


class Province(Base):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    iso_code: Mapped[str] = mapped_column(String(5), unique=True)
    name_fa: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    capital_fa: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Province {self.iso_code}>"
