"""Certificates of issued awards: what is printed, revocation, public verification, bulk print jobs.

Keyword-only functions that flush but never commit and raise ``DomainError`` with a Persian message.
"""

from __future__ import annotations

import hmac
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from awards import clock, i18n, permissions
from awards.audit.services import record
from awards.budget import services as budget
from awards.certificates import signatories
from awards.certificates.render import CertificateData
from awards.certificates.signatories import SIGNATURE_MAX_BYTES
from awards.enums import JobState, NomineeKind
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.guards import ensure_cycle_writable
from awards.jobs import real_now
from awards.models import Award, Category, Citation, Cycle, Job, Nomination, ProvincialAward, Signatory, User
from awards.persian import ltr, normalize_search, normalize_text

TEHRAN = ZoneInfo("Asia/Tehran")
JOB_KIND = "certificates"
FORMATS = ("pdf", "zip")


def _award_query():
    return select(Award).options(
        joinedload(Award.nomination).joinedload(Nomination.province),
        joinedload(Award.category),
        joinedload(Award.cycle).selectinload(Cycle.signatories),
    )


def awards_of(session: Session, *, cycle: Cycle, category: Category | None = None) -> list[Award]:
    """Every award of the cycle (or one category), in serial order, with what printing needs loaded."""
    query = _award_query().where(Award.cycle_id == cycle.id).order_by(Award.serial)
    if category is not None:
        query = query.where(Award.category_id == category.id)
    return list(session.scalars(query).unique())


def award_by_token(session: Session, *, token: str) -> Award | None:
    """Find an award by its verification token (constant-time compare of the stored value)."""
    if not token or len(token) > 64:
        return None
    award = session.scalar(_award_query().where(Award.token == token))
    if award is None or not hmac.compare_digest(award.token, token):
        return None
    return award


def provincial_award_by_token(session: Session, *, token: str) -> ProvincialAward | None:
    """A province's award by its verification token (the provincial round), as :func:`award_by_token`."""
    if not token or len(token) > 64:
        return None
    award = session.scalar(select(ProvincialAward).where(ProvincialAward.token == token))
    if award is None or not hmac.compare_digest(award.token, token):
        return None
    return award


def provincial_award_by_serial_and_name(session: Session, *, serial: str, name: str) -> ProvincialAward | None:
    """A province's award by its printed serial (``1404-FA-001``) and the recipient's or nominee's name."""
    serial = (serial or "").strip().upper()
    wanted = normalize_search(name or "").replace(" ", "")
    if not serial or not wanted:
        return None
    award = session.scalar(select(ProvincialAward).where(ProvincialAward.serial == serial))
    if award is None:
        return None
    names = {recipient_name(award.nomination), award.nomination.nominee_name}
    return award if wanted in {normalize_search(n).replace(" ", "") for n in names} else None


def recipient_name(nomination: Nomination) -> str:
    """Who the certificate names: the person nominee, or the representative of a unit, cluster or project."""
    if nomination.category.nominee_kind is NomineeKind.PERSON or not nomination.representative_name:
        return nomination.nominee_name
    return nomination.representative_name


def recipient_line(nomination: Nomination) -> str:
    name = recipient_name(nomination)
    return f"{nomination.salutation} {name}" if nomination.salutation else name


def award_by_serial_and_name(session: Session, *, serial: str, name: str) -> Award | None:
    """Find an award by its printed serial and the recipient's (or nominee's) name, typed by a person."""
    serial = (serial or "").strip().upper()
    wanted = normalize_search(name or "").replace(" ", "")
    if not serial or not wanted:
        return None
    award = session.scalar(_award_query().where(Award.serial == serial))
    if award is None:
        return None
    names = {recipient_name(award.nomination), award.nomination.nominee_name}
    return award if wanted in {normalize_search(n).replace(" ", "") for n in names} else None


def approved_citations(session: Session, *, nomination_ids: list[int]) -> dict[int, str]:
    """The approved citation text of each nomination that has one (one query)."""
    if not nomination_ids:
        return {}
    rows = session.execute(
        select(Citation.nomination_id, Citation.text)
        .where(Citation.nomination_id.in_(nomination_ids), Citation.approved_at.is_not(None))
    )
    return dict(rows.all())


def ceremony_date(cycle: Cycle) -> date:
    return cycle.ceremony_at.astimezone(TEHRAN).date()


def certificate_data(*, award: Award, citation: str | None, verify_base_url: str, upload_dir: Path) -> CertificateData:
    """Assemble what one certificate prints; refuse a revoked award or one without an approved citation."""
    if award.is_revoked:
        raise DomainError(_("جایزهٔ %(serial)s لغو شده است و لوح آن چاپ نمی‌شود.", serial=ltr(award.serial)))
    if not citation:
        raise DomainError(_("متن لوح «%(name)s» هنوز تأیید نشده است.", name=award.nomination.nominee_name))
    nomination = award.nomination
    cycle = award.cycle
    return CertificateData(
        serial=award.serial,
        verify_url=verify_base_url.rstrip("/") + "/verify/" + award.token,
        recipient_line=recipient_line(nomination),
        recipient_title=nomination.representative_title or "",
        nominee_name=nomination.nominee_name,
        category_title=award.category.title,
        cycle_title=cycle.title,
        citation=citation,
        tier=award.tier.value,
        ceremony_date=ceremony_date(cycle),
        issued_at=award.issued_at,
        signatories=signatories.printed(cycle.signatories, upload_dir),
    )


def certificates_for(session: Session, *, awards: list[Award], verify_base_url: str,
                     upload_dir: Path) -> list[CertificateData]:
    """Certificate data for many awards with one citations query; revoked awards are left out. Refused when a
    tier to print is not covered by the cycle's approved budget, or a citation is not approved."""
    live = [a for a in awards if not a.is_revoked]
    for cycle in {a.cycle for a in live}:
        budget.require_print_cover(session, cycle=cycle, tiers={a.tier for a in live if a.cycle_id == cycle.id})
    texts = approved_citations(session, nomination_ids=[a.nomination_id for a in live])
    missing = [a.nomination.nominee_name for a in live if a.nomination_id not in texts]
    if missing:
        raise DomainError(_("متن لوح این نامزدها هنوز تأیید نشده است: %(names)s.", names=i18n.join(missing)))
    return [certificate_data(award=a, citation=texts[a.nomination_id], verify_base_url=verify_base_url,
                             upload_dir=upload_dir) for a in live]


def revoke(session: Session, *, award: Award, actor: User, reason: str) -> Award:
    """Revoke an issued award (oversight committee only, with a reason); its certificate stops verifying."""
    if not permissions.can_revoke_award(actor, award.cycle_id):
        raise PermissionDenied(_("فقط کمیتهٔ نظارت و پیگیری می‌تواند جایزه را لغو کند."))
    reason = normalize_text(reason or "")
    if not reason:
        raise DomainError(_("دلیل لغو را بنویسید."), field="reason")
    if award.is_revoked:
        raise DomainError(_("این جایزه پیش‌تر لغو شده است."))
    award.revoked_at = clock.now()
    award.revoked_by_id = actor.id
    award.revoke_reason = reason
    session.flush()
    record(session, actor=actor, action="award.revoke", object_type="award", object_id=award.id,
           nomination_id=award.nomination_id, cycle_id=award.cycle_id,
           changes={"revoked_at": [None, award.revoked_at]}, reason=reason)
    return award


def start_print_job(session: Session, *, actor: User, cycle: Cycle, category: Category | None, fmt: str,
                    verify_base_url: str, upload_dir: Path) -> Job:
    """Queue a bulk print of a cycle or a category as one PDF or a ZIP of one PDF per award."""
    if not permissions.can_print_certificates(actor):
        raise PermissionDenied(_("چاپ لوح‌ها کار دبیرخانه است."))
    if fmt not in FORMATS:
        raise DomainError(_("قالب خروجی باید PDF یا ZIP باشد."), field="fmt")
    awards = awards_of(session, cycle=cycle, category=category)
    items = certificates_for(session, awards=awards, verify_base_url=verify_base_url, upload_dir=upload_dir)
    if not items:
        raise DomainError(_("جایزهٔ معتبری برای چاپ نیست."))
    job = Job(kind=JOB_KIND, state=JobState.QUEUED, total=len(items), done=0, created_by_id=actor.id,
              heartbeat_at=real_now(),
              params={"cycle_id": cycle.id, "category_id": category.id if category else None, "format": fmt,
                      "verify_base_url": verify_base_url})
    session.add(job)
    session.flush()
    record(session, actor=actor, action="certificates.print", object_type="job", object_id=job.id,
           cycle_id=cycle.id, changes={"format": [None, fmt], "count": [None, len(items)],
                                       "category": [None, category.code if category else None]})
    return job


def retry_print_job(session: Session, *, actor: User, job: Job) -> Job:
    """Queue a failed bulk print job again, from the start (its half-written output was already removed)."""
    if not permissions.can_print_certificates(actor):
        raise PermissionDenied(_("چاپ لوح‌ها کار دبیرخانه است."))
    if job.kind != JOB_KIND or job.state != JobState.FAILED:
        raise InvalidTransition(_("فقط کار ناموفق دوباره اجرا می‌شود."))
    before = job.error
    job.state, job.done, job.error, job.finished_at = JobState.QUEUED, 0, None, None
    job.result_path = job.result_name = None
    job.heartbeat_at = real_now()  # the watch sends it again only if the queue loses it
    session.flush()
    record(session, actor=actor, action="certificates.retry", object_type="job", object_id=job.id,
           cycle_id=job.params.get("cycle_id"), changes={"state": ["failed", "queued"], "error": [before, None]})
    return job


def output_name(*, cycle: Cycle, category: Category | None, fmt: str) -> str:
    scope = category.code if category else "all"
    return f"certificates-{cycle.year}-{scope}.{fmt}"


def save_signature(session: Session, *, signatory: Signatory, actor: User, data: bytes, upload_dir: Path,
                   max_bytes: int = SIGNATURE_MAX_BYTES) -> None:
    """Store a signatory's signature image (PNG only, sniffed) outside ``static/``."""
    _require_signatory_manager(actor, signatory.cycle)
    changes = signatories.store_signature(session, signatory=signatory, data=data, upload_dir=upload_dir,
                                          max_bytes=max_bytes)
    session.flush()
    record(session, actor=actor, action="signatory.signature", object_type="signatory", object_id=signatory.id,
           cycle_id=signatory.cycle_id, changes=changes)


def update_signatory(session: Session, *, signatory: Signatory, actor: User, name: str, title: str) -> None:
    """Edit a signatory's printed name and title (audited)."""
    _require_signatory_manager(actor, signatory.cycle)
    changes = signatories.rename(signatory, name=name, title=title)
    session.flush()
    if changes:
        record(session, actor=actor, action="signatory.edit", object_type="signatory", object_id=signatory.id,
               cycle_id=signatory.cycle_id, changes=changes)


def _require_signatory_manager(actor: User, cycle: Cycle) -> None:
    if not permissions.can_print_certificates(actor):
        raise PermissionDenied(_("مدیریت امضاکنندگان کار دبیرخانه است."))
    ensure_cycle_writable(cycle)


def add_signatory(session: Session, *, cycle: Cycle, actor: User, name: str, title: str) -> Signatory:
    """Add a signatory at the end of the cycle's printed order (audited)."""
    _require_signatory_manager(actor, cycle)
    name, title = signatories.clean_name_and_title(name, title)
    position = signatories.next_position(cycle.signatories)
    signatory = Signatory(cycle_id=cycle.id, name=name, title=title, position=position)
    session.add(signatory)
    session.flush()
    session.expire(cycle, ["signatories"])
    record(session, actor=actor, action="signatory.add", object_type="signatory", object_id=signatory.id,
           cycle_id=cycle.id, changes={"name": [None, name], "title": [None, title], "position": [None, position]})
    return signatory


def remove_signatory(session: Session, *, signatory: Signatory, actor: User, upload_dir: Path,
                     confirm: bool) -> None:
    """Remove a signatory after an explicit confirmation; its signature image is deleted once committed.

    Certificates already printed keep the names they carry; a reprint shows the signatories of the day."""
    cycle = signatory.cycle
    _require_signatory_manager(actor, cycle)
    signatories.require_confirmation(confirm)
    signatories.drop_signature_on_commit(session, signatory=signatory, upload_dir=upload_dir)
    record(session, actor=actor, action="signatory.remove", object_type="signatory", object_id=signatory.id,
           cycle_id=cycle.id, changes={"name": [signatory.name, None], "title": [signatory.title, None],
                                       "signature_file": [signatory.signature_file, None]})
    session.delete(signatory)
    session.flush()
    session.expire(cycle, ["signatories"])


def move_signatory(session: Session, *, signatory: Signatory, actor: User, direction: str) -> None:
    """Move a signatory one place earlier (``up``) or later (``down``) in the printed order (audited)."""
    cycle = signatory.cycle
    _require_signatory_manager(actor, cycle)
    changes = signatories.move(cycle.signatories, signatory=signatory, direction=direction)
    session.flush()
    session.expire(cycle, ["signatories"])
    record(session, actor=actor, action="signatory.move", object_type="signatory", object_id=signatory.id,
           cycle_id=cycle.id, changes=changes)
