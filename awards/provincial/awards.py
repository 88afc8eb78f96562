"""Provincial awards: a dossier the group did not forward may receive the province's certificate, with the
province's own serial series ``<year>-<two letters>-<NNN>`` (``1404-FA-001``) and a verification token; the public
verification page (``awards.certificates.verify``) checks these as it checks national awards.

Issuing is the nomination edge ``provincial_award`` (who, when and the audit event: ``transition``), then the award
row. The sequence is taken under a lock of the province's working-group row (PostgreSQL: FOR UPDATE; SQLite: the
write lock), so two awards issued at once get consecutive numbers; the unique (cycle, province, sequence) key is
the last word.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from awards import clock, permissions
from awards.audit.services import record
from awards.enums import NominationAction
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.guards import ensure_cycle_writable
from awards.models import Nomination, ProvincialAward, ProvincialGroup, User
from awards.nominations.services import transition
from awards.persian import normalize_text

#: Two-letter codes of the provinces (ISO 3166-2:IR number -> letters) for provincial serials.
PROVINCE_LETTERS = {
    "IR-00": "MK", "IR-01": "GI", "IR-02": "MZ", "IR-03": "AE", "IR-04": "AW", "IR-05": "KS", "IR-06": "KZ",
    "IR-07": "FA", "IR-08": "KE", "IR-09": "KR", "IR-10": "ES", "IR-11": "SB", "IR-12": "KD", "IR-13": "HD",
    "IR-14": "CB", "IR-15": "LO", "IR-16": "IL", "IR-17": "KB", "IR-18": "BS", "IR-19": "ZA", "IR-20": "SM",
    "IR-21": "YA", "IR-22": "HG", "IR-23": "TE", "IR-24": "AR", "IR-25": "QM", "IR-26": "QZ", "IR-27": "GO",
    "IR-28": "KN", "IR-29": "KJ", "IR-30": "AL",
}


def serial_for(year: int, iso_code: str, sequence: int) -> str:
    return f"{year}-{PROVINCE_LETTERS[iso_code]}-{sequence:03d}"


def issue(session: Session, *, nomination: Nomination, actor: User) -> ProvincialAward:
    """Give ``nomination`` (not forwarded) the province's award, as its province's officer."""
    group = session.scalar(select(ProvincialGroup).where(ProvincialGroup.cycle_id == nomination.cycle_id,
                                                         ProvincialGroup.province_id == nomination.province_id)
                           .with_for_update(of=ProvincialGroup))
    if group is None:
        raise InvalidTransition(_("این استان کارگروه استانی ندارد."))
    transition(session, nomination=nomination, action=NominationAction.PROVINCIAL_AWARD, actor=actor)
    sequence = (session.scalar(select(func.max(ProvincialAward.sequence)).where(
        ProvincialAward.cycle_id == nomination.cycle_id, ProvincialAward.province_id == nomination.province_id))
        or 0) + 1
    award = ProvincialAward(cycle_id=nomination.cycle_id, province_id=nomination.province_id,
                            nomination_id=nomination.id, sequence=sequence,
                            serial=serial_for(nomination.cycle.year, nomination.province.iso_code, sequence),
                            token=secrets.token_urlsafe(24), issued_by_id=actor.id)
    session.add(award)
    session.flush()
    record(session, actor=actor, action="provincial.award_issue", object_type="provincial_award", object_id=award.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"serial": [None, award.serial]})
    return award


def revoke(session: Session, *, award: ProvincialAward, actor: User, reason: str) -> ProvincialAward:
    """Revoke a provincial award (its province's officer, with a reason): its certificate no longer prints and
    the verification page says it is revoked, as for a national award."""
    if not permissions.can_revoke_provincial_award(actor, award):
        raise PermissionDenied(_("جایزهٔ استانی را فقط کارشناس همان استان لغو می‌کند."))
    ensure_cycle_writable(award.cycle)
    reason = normalize_text(reason or "")
    if not reason:
        raise DomainError(_("دلیل لغو را بنویسید."), field="reason")
    if award.is_revoked:
        raise DomainError(_("این جایزه پیش‌تر لغو شده است."), field="reason")
    award.revoked_at = clock.now()
    award.revoked_by_id = actor.id
    award.revoke_reason = reason
    session.flush()
    record(session, actor=actor, action="provincial.award_revoke", object_type="provincial_award",
           object_id=award.id, nomination_id=award.nomination_id, cycle_id=award.cycle_id,
           province_id=award.province_id, changes={"revoked_at": [None, award.revoked_at]}, reason=reason)
    return award
