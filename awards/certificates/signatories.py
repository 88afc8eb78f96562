"""The rules every list of certificate signatories follows, the cycle's (:class:`~awards.models.Signatory`) and a
province's (:class:`~awards.models.ProvincialSignatory`): name and title, a PNG signature image kept outside
``static/``, the printed order. The services that own each list check who may change it and write its audit
events; these helpers only apply the rules, flush nothing and never commit.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from awards.certificates.render import SignatoryData
from awards.errors import DomainError
from awards.files import unlink_on_commit, unlink_on_rollback, write_new
from awards.nominations.documents import sniff
from awards.persian import normalize_text

#: The largest signature image accepted (bytes).
SIGNATURE_MAX_BYTES = 512 * 1024
NAME_MAX, TITLE_MAX = 120, 200
DIRECTIONS = ("up", "down")


class SignatoryRow(Protocol):
    id: int
    name: str
    title: str
    position: int
    signature_file: str | None


def signature_folder(upload_dir: Path) -> Path:
    return upload_dir / "signatures"


def clean_name_and_title(name: str, title: str) -> tuple[str, str]:
    """The name and title as printed (normalised), or a DomainError on the field at fault."""
    name, title = normalize_text(name or ""), normalize_text(title or "")
    if not name:
        raise DomainError(_("نام امضاکننده را بنویسید."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("نام امضاکننده حداکثر ۱۲۰ نویسه است."), field="name")
    if not title:
        raise DomainError(_("سمت امضاکننده را بنویسید."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_("سمت امضاکننده حداکثر ۲۰۰ نویسه است."), field="title")
    return name, title


def rename(signatory: SignatoryRow, *, name: str, title: str) -> dict[str, list]:
    """Set the cleaned name and title; return the audit changes (empty when nothing changed)."""
    name, title = clean_name_and_title(name, title)
    changes = {}
    if name != signatory.name:
        changes["name"] = [signatory.name, name]
    if title != signatory.title:
        changes["title"] = [signatory.title, title]
    signatory.name, signatory.title = name, title
    return changes


def next_position(signatories: Sequence[SignatoryRow]) -> int:
    return max((s.position for s in signatories), default=-1) + 1


def store_signature(session: Session, *, signatory: SignatoryRow, data: bytes, upload_dir: Path,
                    max_bytes: int = SIGNATURE_MAX_BYTES) -> dict[str, list]:
    """Check (PNG by its bytes, at most ``max_bytes``) and store a signature image under a random name; the file
    is removed again if the transaction rolls back. Returns the audit changes."""
    if not data or len(data) > max_bytes or sniff(data[:16]) != "image/png":
        raise DomainError(_("تصویر امضا باید پروندهٔ PNG و کوچک‌تر از حد مجاز باشد."), field="signature")
    folder = signature_folder(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ".png"
    write_new(folder / name, data, field="signature")
    unlink_on_rollback(session, folder / name)
    before = signatory.signature_file
    signatory.signature_file = name
    return {"signature_file": [before, name]}


def drop_signature_on_commit(session: Session, *, signatory: SignatoryRow, upload_dir: Path) -> None:
    """The signatory is being removed: its image goes once the removal is committed."""
    if signatory.signature_file:
        unlink_on_commit(session, signature_folder(upload_dir) / signatory.signature_file)


def require_confirmation(confirm: bool) -> None:
    if not confirm:
        raise DomainError(_("برای برداشتن امضاکننده، تأیید را علامت بزنید."), field="confirm")


def move(signatories: Sequence[SignatoryRow], *, signatory: SignatoryRow, direction: str) -> dict[str, list]:
    """Swap ``signatory`` with its neighbour (``up``: one place earlier) and renumber; the audit changes."""
    if direction not in DIRECTIONS:
        raise DomainError(_("جهت جابه‌جایی نامعتبر است."), field="direction")
    ordered = sorted(signatories, key=lambda s: (s.position, s.id))
    index = ordered.index(signatory)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        raise DomainError(_("امضاکننده همین حالا در این سر فهرست است."), field="direction")
    before = [s.id for s in ordered]
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    return {"order": [before, [s.id for s in ordered]]}


def signature_uri(signatory: SignatoryRow, upload_dir: Path) -> str | None:
    """The stored image as a ``data:`` URI for the renderer (which refuses any other address), or None."""
    if not signatory.signature_file:
        return None
    data = (signature_folder(upload_dir) / signatory.signature_file).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def printed(rows: Sequence[SignatoryRow], upload_dir: Path) -> tuple[SignatoryData, ...]:
    """What the renderer prints of each signatory, in printed order."""
    return tuple(SignatoryData(name=s.name, title=s.title, signature_uri=signature_uri(s, upload_dir))
                 for s in sorted(rows, key=lambda s: (s.position, s.id)))
