"""Evidence uploads: sniffed by content, capped in size, stored outside ``static/`` under random names."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import unicodedata
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from awards import i18n, permissions
from awards.audit.services import record
from awards.enums import NominationState
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.files import unlink_on_commit, unlink_on_rollback, write_new
from awards.guards import ensure_cycle_writable
from awards.models import EvidenceDocument, Nomination, User

ALLOWED = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
EXTENSION_FOR_TYPE = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
#: Image types a preview shows as they are; a PDF is shown as a PNG of its first page (Chromium renders no PDF in
#: a sandboxed frame, and a phone renders none in a frame at all).
PREVIEW_IMAGES = frozenset({"image/jpeg", "image/png"})
#: Bounds of a PDF's first-page rendering: its longest side in pixels, the time and the size of the PNG.
PREVIEW_PIXELS = 1000
PREVIEW_SECONDS = 10
PREVIEW_MAX_BYTES = 4 * 1024 * 1024


def sniff(head: bytes) -> str | None:
    """Name the content type the bytes really are (PDF, JPEG or PNG), or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def safe_display_name(filename: str) -> str:
    """Keep a readable original name (Persian letters included) without any path or control characters."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" or ch == "\u200c")
    name = re.sub(r"[\"<>:|?*;]", "_", name).strip(" .")
    return name[:200] or "document"


def _size_text(size: int) -> str:
    """A byte count in Persian words and digits: «۱۰ مگابایت», «۵۰۰ کیلوبایت»."""
    if size >= 1024 * 1024:
        megabytes = round(size / (1024 * 1024), 1)
        return _("%(n)s مگابایت", n=i18n.number(int(megabytes) if megabytes == int(megabytes) else megabytes))
    return _("%(n)s کیلوبایت", n=i18n.number(max(1, size // 1024)))


def add_document(session: Session, *, actor: User, nomination: Nomination, filename: str, data: bytes,
                 upload_dir: Path, max_bytes: int) -> EvidenceDocument:
    """Validate and store one evidence file for a draft; refuse anything that is not what it claims."""
    if not permissions.can_edit_nomination(actor, nomination):
        if not permissions.owns_nomination(actor, nomination):
            raise PermissionDenied(_("این پرونده متعلق به استان شما نیست."))
        raise InvalidTransition(_("مدرک فقط به پیش‌نویس افزوده می‌شود."))
    ensure_cycle_writable(nomination.cycle)
    raw_name = filename or ""
    if "/" in raw_name or "\\" in raw_name or raw_name.startswith("..") or re.match(r"[A-Za-z]:", raw_name):
        raise DomainError(_("نام پرونده نباید مسیر داشته باشد."), field="file")
    display = safe_display_name(raw_name)
    extension = os.path.splitext(display)[1].lower()
    if extension not in ALLOWED:
        raise DomainError(_("فقط پرونده‌های PDF یا JPEG یا PNG پذیرفته می‌شوند."), field="file")
    if not data:
        raise DomainError(_("پرونده خالی است."), field="file")
    if len(data) > max_bytes:
        raise DomainError(_("اندازهٔ پرونده بیش از %(size)s است.", size=_size_text(max_bytes)), field="file")
    actual = sniff(data[:16])
    if actual is None or actual != ALLOWED[extension]:
        raise DomainError(_("محتوای پرونده با پسوند آن هم‌خوان نیست."), field="file")
    stored_name = secrets.token_hex(16) + EXTENSION_FOR_TYPE[actual]
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = upload_dir / stored_name
    write_new(path, data, field="file")  # disk full: a Persian refusal, no partial file, no row
    document = EvidenceDocument(
        nomination_id=nomination.id,
        original_name=display,
        stored_name=stored_name,
        content_type=actual,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=actor.id,
    )
    nomination.documents.append(document)
    try:
        session.flush()
    except Exception:
        path.unlink(missing_ok=True)  # no row, no file: a failed insert must not leave an orphan behind
        raise
    unlink_on_rollback(session, path)  # ... nor a transaction rolled back later
    record(session, actor=actor, action="document.add", object_type="document", object_id=document.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"original_name": [None, display], "sha256": [None, document.sha256]})
    return document


def remove_document(session: Session, *, actor: User, document: EvidenceDocument, upload_dir: Path) -> None:
    """Delete an evidence file from a draft (the audit keeps its name and digest)."""
    nomination = document.nomination
    if not permissions.owns_nomination(actor, nomination):
        raise PermissionDenied(_("این پرونده متعلق به استان شما نیست."))
    if nomination.state != NominationState.DRAFT:
        raise InvalidTransition(_("مدرک فقط از پیش‌نویس حذف می‌شود."))
    ensure_cycle_writable(nomination.cycle)
    record(session, actor=actor, action="document.remove", object_type="document", object_id=document.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"original_name": [document.original_name, None], "sha256": [document.sha256, None]})
    nomination.documents.remove(document)
    session.flush()
    unlink_on_commit(session, upload_dir / document.stored_name)  # a failed commit keeps row and file


def document_path(*, document: EvidenceDocument, upload_dir: Path) -> Path:
    """Return where a document's bytes are stored."""
    return upload_dir / document.stored_name


def preview(path: Path) -> tuple[bytes, str] | None:
    """Return what a browser may show inline for a stored document, with its type, or None when nothing is safe.

    The type is sniffed again from the stored bytes: a PNG or JPEG as it is, a PDF as a PNG of its first page
    (``pdftoppm`` of poppler, bounded in pixels, time and output), anything else nothing.
    """
    with path.open("rb") as stored:
        kind = sniff(stored.read(16))
    if kind in PREVIEW_IMAGES:
        return path.read_bytes(), kind
    if kind != "application/pdf":
        return None
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:  # no poppler here: no preview, the download still works
        return None
    try:
        rendered = subprocess.run(  # noqa: S603  (a fixed tool; the path is ours: the upload folder, a random name)
            [pdftoppm, "-png", "-singlefile", "-f", "1", "-l", "1", "-scale-to", str(PREVIEW_PIXELS), str(path)],
            capture_output=True, timeout=PREVIEW_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):  # a PDF built to take forever
        return None
    image = rendered.stdout
    if rendered.returncode != 0 or sniff(image[:16]) != "image/png" or len(image) > PREVIEW_MAX_BYTES:
        return None
    return image, "image/png"
