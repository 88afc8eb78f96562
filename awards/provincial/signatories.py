"""Who signs a province's certificates in a cycle (:class:`ProvincialSignatory`): its officer (and organizers)
add, edit, reorder and remove them. The rules (name, title, PNG signature, order) are the national ones, in
:mod:`awards.certificates.signatories`; only who may act and the audit events are the province's.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import permissions
from awards.audit.services import record
from awards.certificates import signatories as rules
from awards.errors import PermissionDenied
from awards.guards import ensure_cycle_writable
from awards.models import Cycle, Province, ProvincialSignatory, User


def signatories_of(session: Session, *, cycle_id: int, province_id: int) -> list[ProvincialSignatory]:
    """The province's signatories in ``cycle_id``, in printed order."""
    return list(session.scalars(select(ProvincialSignatory).where(
        ProvincialSignatory.cycle_id == cycle_id, ProvincialSignatory.province_id == province_id)
        .order_by(ProvincialSignatory.position, ProvincialSignatory.id)))


def _require_manager(actor: User, *, cycle: Cycle, province_id: int) -> None:
    if not permissions.can_manage_provincial_signatories(actor, province_id):
        raise PermissionDenied(_("امضاکنندگان لوح استانی را کارشناس همان استان تعیین می‌کند."))
    ensure_cycle_writable(cycle)


def _record(session: Session, *, action: str, actor: User, signatory: ProvincialSignatory, changes: dict) -> None:
    record(session, actor=actor, action=action, object_type="provincial_signatory",
           object_id=signatory.id, cycle_id=signatory.cycle_id, province_id=signatory.province_id, changes=changes)


def add(session: Session, *, cycle: Cycle, province: Province, actor: User, name: str,
        title: str) -> ProvincialSignatory:
    """Add a signatory at the end of the province's printed order (audited)."""
    _require_manager(actor, cycle=cycle, province_id=province.id)
    name, title = rules.clean_name_and_title(name, title)
    position = rules.next_position(signatories_of(session, cycle_id=cycle.id, province_id=province.id))
    signatory = ProvincialSignatory(cycle_id=cycle.id, province_id=province.id, name=name, title=title,
                                    position=position)
    session.add(signatory)
    session.flush()
    _record(session, action="provincial.signatory_add", actor=actor, signatory=signatory,
            changes={"name": [None, name], "title": [None, title], "position": [None, position]})
    return signatory


def update(session: Session, *, signatory: ProvincialSignatory, actor: User, name: str, title: str) -> None:
    """Edit the printed name and title (audited when something changed)."""
    _require_manager(actor, cycle=signatory.cycle, province_id=signatory.province_id)
    changes = rules.rename(signatory, name=name, title=title)
    session.flush()
    if changes:
        _record(session, action="provincial.signatory_edit", actor=actor, signatory=signatory, changes=changes)


def save_signature(session: Session, *, signatory: ProvincialSignatory, actor: User, data: bytes,
                   upload_dir: Path, max_bytes: int = rules.SIGNATURE_MAX_BYTES) -> None:
    """Store the signature image (PNG only, sniffed) outside ``static/`` (audited)."""
    _require_manager(actor, cycle=signatory.cycle, province_id=signatory.province_id)
    changes = rules.store_signature(session, signatory=signatory, data=data, upload_dir=upload_dir,
                                    max_bytes=max_bytes)
    session.flush()
    _record(session, action="provincial.signatory_signature", actor=actor, signatory=signatory, changes=changes)


def remove(session: Session, *, signatory: ProvincialSignatory, actor: User, upload_dir: Path,
           confirm: bool) -> None:
    """Remove a signatory after an explicit confirmation; its image is deleted once committed."""
    _require_manager(actor, cycle=signatory.cycle, province_id=signatory.province_id)
    rules.require_confirmation(confirm)
    rules.drop_signature_on_commit(session, signatory=signatory, upload_dir=upload_dir)
    _record(session, action="provincial.signatory_remove", actor=actor, signatory=signatory,
            changes={"name": [signatory.name, None], "title": [signatory.title, None],
                     "signature_file": [signatory.signature_file, None]})
    session.delete(signatory)
    session.flush()


def move(session: Session, *, signatory: ProvincialSignatory, actor: User, direction: str) -> None:
    """One place earlier (``up``) or later (``down``) in the province's printed order (audited)."""
    _require_manager(actor, cycle=signatory.cycle, province_id=signatory.province_id)
    changes = rules.move(signatories_of(session, cycle_id=signatory.cycle_id, province_id=signatory.province_id),
                         signatory=signatory, direction=direction)
    session.flush()
    _record(session, action="provincial.signatory_move", actor=actor, signatory=signatory, changes=changes)
