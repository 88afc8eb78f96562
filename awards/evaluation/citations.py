"""The citation (متن لوح) the content committee writes for a nomination and its chair approves.

Citations may be prepared from the moment a nomination is in evaluation (so the text is ready when the ranking
is known) and while it is shortlisted; the approved text is what the certificate prints. Editing an approved
citation clears the approval, so the chair approves the new wording again. A member with an active conflict
with the nominee does not write its citation.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import record
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.evaluation.conflicts import active_conflict
from awards.evaluation.queries import CITATION_STATES
from awards.guards import lock_open_category
from awards.models import Citation, Nomination, User
from awards.persian import normalize_text

MAX_LENGTH = 600


def _check_open(session: Session, nomination: Nomination) -> None:
    if nomination.state not in CITATION_STATES:
        raise InvalidTransition(_("متن لوح فقط برای نامزدهای در حال ارزیابی یا فهرست نهایی نوشته می‌شود."))
    lock_open_category(session, category=nomination.category)


def citation_for(session: Session, *, nomination: Nomination) -> Citation | None:
    return session.scalar(select(Citation).where(Citation.nomination_id == nomination.id))


def save_citation(session: Session, *, nomination: Nomination, actor: User, text: str) -> Citation:
    """Write or edit the citation's plain text (ی/ک normalised, at most 600 characters).

    Side effects: creates the citation on first save; an edit of an approved citation clears the approval;
    appends an audit event with the text and approval before and after. An unchanged text changes nothing.
    """
    text = normalize_text(text or "")
    if not permissions.can_write_citation(actor, nomination):
        raise PermissionDenied(_("متن لوح را فقط اعضای کمیتهٔ محتوا می‌نویسند."))
    if not text:
        raise DomainError(_("متن لوح را بنویسید."), field="text")
    if len(text) > MAX_LENGTH:
        raise DomainError(_("متن لوح حداکثر %(max)s نویسه است؛ اکنون %(count)s نویسه است.",
                            max=i18n.digits(MAX_LENGTH), count=i18n.digits(len(text))), field="text")
    _check_open(session, nomination)
    if active_conflict(session, nomination_id=nomination.id, user_id=actor.id) is not None:
        raise PermissionDenied(_("شما با این نامزد تعارض منافع دارید و متن لوح آن را نمی‌نویسید."))
    citation = session.scalar(select(Citation).where(Citation.nomination_id == nomination.id).with_for_update()
                              .execution_options(populate_existing=True))
    now = clock.now()
    if citation is None:
        citation = Citation(nomination_id=nomination.id, text=text, written_by_id=actor.id, written_at=now)
        session.add(citation)
        session.flush()
        changes = {"text": [None, text]}
    else:
        if citation.text == text:
            return citation
        changes = {"text": [citation.text, text], "written_by_id": [citation.written_by_id, actor.id]}
        if citation.approved_at is not None:
            changes["approved"] = [True, False]
        citation.text = text
        citation.written_by_id = actor.id
        citation.written_at = now
        citation.approved_at = None
        citation.approved_by_id = None
        session.flush()
    record(session, actor=actor, action="citation.write", object_type="citation", object_id=citation.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes=changes)
    return citation


def approve_citation(session: Session, *, citation: Citation, actor: User) -> Citation:
    """Let the content chair approve the current text; the certificate prints the approved text."""
    nomination = session.get(Nomination, citation.nomination_id)
    if not permissions.can_approve_citation(actor, nomination):
        raise PermissionDenied(_("فقط رئیس کمیتهٔ محتوا متن لوح را تأیید می‌کند."))
    _check_open(session, nomination)
    session.refresh(citation, with_for_update=True)
    if citation.approved_at is not None:
        raise InvalidTransition(_("این متن پیش‌تر تأیید شده است."))
    citation.approved_at = clock.now()
    citation.approved_by_id = actor.id
    session.flush()
    record(session, actor=actor, action="citation.approve", object_type="citation", object_id=citation.id,
           nomination_id=nomination.id, cycle_id=nomination.cycle_id, province_id=nomination.province_id,
           changes={"approved": [False, True], "text": [citation.text, citation.text]})
    return citation
