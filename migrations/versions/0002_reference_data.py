"""reference data: the 31 provinces and the six committees

Revision ID: 0002
Revises: 0001

The rows are written out here, not read from ``awards/data``: a migration must mean the same thing for ever,
whatever later happens to the app's files.  Loading is idempotent: a row whose code is already present is
left alone, so running this on a database that already holds the reference data changes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: (ISO 3166-2 code, Persian name, English name, Persian name of the capital), as of this revision.
PROVINCES = [
    ("IR-00", "مرکزی", "Markazi", "اراک"),
    ("IR-01", "گیلان", "Gilan", "رشت"),
    ("IR-02", "مازندران", "Mazandaran", "ساری"),
    ("IR-03", "آذربایجان شرقی", "East Azerbaijan", "تبریز"),
    ("IR-04", "آذربایجان غربی", "West Azerbaijan", "ارومیه"),
    ("IR-05", "کرمانشاه", "Kermanshah", "کرمانشاه"),
    ("IR-06", "خوزستان", "Khuzestan", "اهواز"),
    ("IR-07", "فارس", "Fars", "شیراز"),
    ("IR-08", "کرمان", "Kerman", "کرمان"),
    ("IR-09", "خراسان رضوی", "Razavi Khorasan", "مشهد"),
    ("IR-10", "اصفهان", "Isfahan", "اصفهان"),
    ("IR-11", "سیستان و بلوچستان", "Sistan and Baluchestan", "زاهدان"),
    ("IR-12", "کردستان", "Kurdistan", "سنندج"),
    ("IR-13", "همدان", "Hamadan", "همدان"),
    ("IR-14", "چهارمحال و بختیاری", "Chaharmahal and Bakhtiari", "شهرکرد"),
    ("IR-15", "لرستان", "Lorestan", "خرم\u200cآباد"),
    ("IR-16", "ایلام", "Ilam", "ایلام"),
    ("IR-17", "کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad", "یاسوج"),
    ("IR-18", "بوشهر", "Bushehr", "بوشهر"),
    ("IR-19", "زنجان", "Zanjan", "زنجان"),
    ("IR-20", "سمنان", "Semnan", "سمنان"),
    ("IR-21", "یزد", "Yazd", "یزد"),
    ("IR-22", "هرمزگان", "Hormozgan", "بندرعباس"),
    ("IR-23", "تهران", "Tehran", "تهران"),
    ("IR-24", "اردبیل", "Ardabil", "اردبیل"),
    ("IR-25", "قم", "Qom", "قم"),
    ("IR-26", "قزوین", "Qazvin", "قزوین"),
    ("IR-27", "گلستان", "Golestan", "گرگان"),
    ("IR-28", "خراسان شمالی", "North Khorasan", "بجنورد"),
    ("IR-29", "خراسان جنوبی", "South Khorasan", "بیرجند"),
    ("IR-30", "البرز", "Alborz", "کرج"),
]

#: (code, Persian name, English name); the list order is the display position.
COMMITTEES = [
    ("winners", "برگزیدگان", "Winners"),
    ("provincial_affairs", "امور استان‌ها", "Provincial affairs"),
    ("media", "رسانه", "Media"),
    ("oversight", "نظارت و پیگیری", "Oversight and follow-up"),
    ("finance", "مالی", "Finance"),
    ("content", "محتوا", "Content"),
]

provinces = sa.table(
    "provinces",
    sa.column("iso_code", sa.String),
    sa.column("name_fa", sa.String),
    sa.column("name_en", sa.String),
    sa.column("capital_fa", sa.String),
)
committees = sa.table(
    "committees",
    sa.column("code", sa.String),
    sa.column("name_fa", sa.String),
    sa.column("name_en", sa.String),
    sa.column("position", sa.Integer),
)


def upgrade() -> None:
    bind = op.get_bind()
    have = set(bind.scalars(sa.select(provinces.c.iso_code)))
    missing = [dict(iso_code=iso, name_fa=fa, name_en=en, capital_fa=capital)
               for iso, fa, en, capital in PROVINCES if iso not in have]
    if missing:
        op.bulk_insert(provinces, missing)
    have = set(bind.scalars(sa.select(committees.c.code)))
    missing = [dict(code=code, name_fa=fa, name_en=en, position=position)
               for position, (code, fa, en) in enumerate(COMMITTEES) if code not in have]
    if missing:
        op.bulk_insert(committees, missing)


def downgrade() -> None:
    # Refused by the foreign keys while any user, nomination or seat still points at a row.
    op.execute(committees.delete().where(committees.c.code.in_([code for code, _fa, _en in COMMITTEES])))
    op.execute(provinces.delete().where(provinces.c.iso_code.in_([iso for iso, _fa, _en, _c in PROVINCES])))
