"""The provincial certificate (لوح تقدیر استانی): what one provincial award prints, for the national renderer
(``awards.certificates.render``: the same template, fonts, locked-down fetcher, PDF/A and QR code).

It differs from the national certificate in what it says, not in how it is made: the provincial tier (its
title «لوح تقدیر استانی» and the province's name under the cycle's title), the province's serial and its own
signatories, a fixed text of appreciation (provincial awards have no committee-approved citation), and the date
the province issued it. It is the province's own document: the national budget, which gates the national
certificates' printing, has no say over it.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from awards.certificates import signatories as signing
from awards.certificates.render import MAX_SIGNATORIES, PROVINCIAL, CertificateData
from awards.certificates.services import TEHRAN, recipient_line
from awards.errors import DomainError
from awards.models import Category, Cycle, Nomination, ProvincialAward
from awards.persian import ltr, to_persian_digits
from awards.provincial.signatories import signatories_of


def awards_of(session: Session, *, cycle: Cycle, category: Category | None = None,
              province_id: int | None = None) -> list[ProvincialAward]:
    """The cycle's provincial awards (one category's, one province's), by serial."""
    query = (select(ProvincialAward).join(Nomination, Nomination.id == ProvincialAward.nomination_id)
             .where(ProvincialAward.cycle_id == cycle.id)
             .options(joinedload(ProvincialAward.nomination).joinedload(Nomination.category))
             .order_by(ProvincialAward.serial))
    if category is not None:
        query = query.where(Nomination.category_id == category.id)
    if province_id is not None:
        query = query.where(ProvincialAward.province_id == province_id)
    return list(session.scalars(query).unique())


def appreciation(award: ProvincialAward) -> str:
    """The certificate's text: provincial awards have no approved citation, so each says the same thing."""
    return _("به پاس شایستگی و کوششی درخور تقدیر در رشتهٔ «%(category)s»، که در دور استانی «%(cycle)s» به "
             "انتخاب کارگروه استانی %(province)s برگزیده شد، این لوح تقدیم می‌شود.",
             category=award.category.title, cycle=to_persian_digits(award.cycle.title),
             province=award.province.name_fa)


def certificate_data(session: Session, *, award: ProvincialAward, verify_base_url: str,
                     upload_dir: Path) -> CertificateData:
    """What one provincial certificate prints; refused (Persian message) for a revoked award, or a province with
    no signatories (or more than fit) in the award's cycle."""
    if award.is_revoked:
        raise DomainError(_("جایزهٔ استانی %(serial)s لغو شده است و لوح آن چاپ نمی‌شود.", serial=ltr(award.serial)))
    rows = signatories_of(session, cycle_id=award.cycle_id, province_id=award.province_id)
    if not rows:
        raise DomainError(_("استان %(province)s هنوز امضاکننده‌ای برای لوح استانی ندارد؛ نخست امضاکنندگان را "
                            "بیفزایید.", province=award.province.name_fa))
    if len(rows) > MAX_SIGNATORIES:
        raise DomainError(_("روی لوح جای بیش از %(count)s امضاکننده نیست؛ امضاکنندگان استان %(province)s را کم "
                            "کنید.", count=to_persian_digits(str(MAX_SIGNATORIES)),
                            province=award.province.name_fa))
    nomination = award.nomination
    return CertificateData(
        serial=award.serial,
        verify_url=verify_base_url.rstrip("/") + "/verify/" + award.token,
        recipient_line=recipient_line(nomination),
        recipient_title=nomination.representative_title or "",
        nominee_name=nomination.nominee_name,
        category_title=award.category.title,
        cycle_title=award.cycle.title,
        citation=appreciation(award),
        tier=PROVINCIAL,
        issuer=_("استان %(province)s", province=award.province.name_fa),
        ceremony_date=award.issued_at.astimezone(TEHRAN).date(),
        issued_at=award.issued_at,
        signatories=signing.printed(rows, upload_dir),
    )


def certificates_for(session: Session, *, awards: list[ProvincialAward], verify_base_url: str,
                     upload_dir: Path) -> tuple[list[CertificateData], list[str]]:
    """Certificate data for the live awards among ``awards`` and, for those refused (a province without
    signatories), the Persian reasons; revoked awards are left out silently, as national ones are."""
    items, refusals = [], []
    for award in awards:
        if award.is_revoked:
            continue
        try:
            items.append(certificate_data(session, award=award, verify_base_url=verify_base_url,
                                          upload_dir=upload_dir))
        except DomainError as error:
            refusals.append(f"{award.serial}: {error.message}")
    return items, refusals
