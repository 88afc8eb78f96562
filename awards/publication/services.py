"""The media chair's publication of a cycle's winners: one state machine, :func:`transition`.

::

    draft --approve--> approved --open (on or after the ceremony date)--> open
      ^                  |  ^                                               |
      |---save_intro-----|  |--approve (again: categories final since)      |--approve (again), stays open

Approval is for the whole cycle, not per category: the press list is one document with one intro that the chair
approves in one act, and the approval records which categories it covers (those final at that moment), so a
category confirmed later is published only after a fresh approval. Functions are keyword-only, flush but never
commit, and audit every change.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import record
from awards.enums import PublicationAction, PublicationState
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.guards import ensure_cycle_writable
from awards.models import Cycle, Publication, User
from awards.persian import format_jalali_date, normalize_text
from awards.publication.queries import ceremony_day, ceremony_reached, final_category_ids

A = PublicationAction
S = PublicationState

INTRO_ACTION = "publication.save_intro"
APPROVE_ACTION = "publication.approve"
OPEN_ACTION = "publication.open"
AUDIT_ACTIONS = {A.SAVE_INTRO: INTRO_ACTION, A.APPROVE: APPROVE_ACTION, A.OPEN: OPEN_ACTION}

#: (action, from state) -> to state. Anything else is refused.
EDGES: dict[tuple[PublicationAction, PublicationState], PublicationState] = {
    (A.SAVE_INTRO, S.PREPARING): S.PREPARING,
    (A.SAVE_INTRO, S.APPROVED): S.PREPARING,
    (A.APPROVE, S.PREPARING): S.APPROVED,
    (A.APPROVE, S.APPROVED): S.APPROVED,
    (A.APPROVE, S.OPEN): S.OPEN,
    (A.OPEN, S.APPROVED): S.OPEN,
}

INTRO_MAX_LENGTH = 4000


def _allowed(action: PublicationAction, actor: User, cycle: Cycle) -> bool:
    if action is A.OPEN:
        return permissions.can_open_winners_page(actor, cycle)
    return permissions.can_approve_publication(actor, cycle)


def _refusal(action: PublicationAction, state: PublicationState) -> str:
    if action is A.SAVE_INTRO:
        return _("صفحهٔ برگزیدگان باز شده و خبرنامه منتشر شده است؛ متن آغاز خبرنامه دیگر تغییر نمی‌کند.")
    if state is S.OPEN:
        return _("صفحهٔ برگزیدگان پیش‌تر باز شده است.")
    return _("پیش از باز کردن صفحهٔ برگزیدگان، رئیس کمیتهٔ رسانه باید فهرست برگزیدگان را تأیید کند.")


def _locked_publication(session: Session, *, cycle: Cycle) -> Publication:
    """The cycle's publication row under a lock (PostgreSQL: FOR UPDATE), made on first use."""
    publication = session.scalar(select(Publication).where(Publication.cycle_id == cycle.id).with_for_update()
                                 .execution_options(populate_existing=True))
    if publication is None:
        publication = Publication(cycle_id=cycle.id, state=S.PREPARING, intro="", category_ids=[])
        session.add(publication)
        session.flush()
    return publication


def transition(session: Session, *, cycle: Cycle, action: PublicationAction, actor: User,
               intro: str | None = None) -> Publication:
    """Take one edge of the cycle's publication, as ``actor``; refuse with a message when it may not happen.

    Checks the actor (the media chair of the cycle), that the cycle is not archived, the edge, then the action's
    own rule. Side effects, by action:

    - ``save_intro``: sets the intro (``intro``, normalised, required), its author and time; an approval it
      replaces is withdrawn (state back to draft, ``approved_*`` and ``category_ids`` cleared).
    - ``approve``: needs an intro and at least one category with a confirmed result; records those categories in
      ``category_ids`` and ``approved_by/at``. Approving an open publication again keeps it open.
    - ``open``: only on or after the ceremony's date (Tehran); sets ``opened_by/at``.

    Each writes one audit event (``publication.<action>``) with the fields it changed.
    """
    if not _allowed(action, actor, cycle):
        raise PermissionDenied(_("این کار فقط از رئیس کمیتهٔ رسانهٔ این دوره ساخته است."))
    ensure_cycle_writable(cycle)
    publication = _locked_publication(session, cycle=cycle)
    before = publication.state
    target = EDGES.get((action, before))
    if target is None:
        raise InvalidTransition(_refusal(action, before))
    now = clock.now()
    if action is A.SAVE_INTRO:
        changes = _save_intro(publication, intro=intro, actor=actor, now=now)
    elif action is A.APPROVE:
        changes = _approve(session, publication, cycle=cycle, actor=actor, now=now)
    else:
        changes = _open(publication, cycle=cycle, actor=actor, now=now)
    if target is not before:
        changes["state"] = [before.value, target.value]
    publication.state = target
    session.flush()
    record(session, actor=actor, action=AUDIT_ACTIONS[action], object_type="publication", object_id=publication.id,
           cycle_id=cycle.id, changes=changes)
    return publication


def _save_intro(publication: Publication, *, intro: str | None, actor: User, now) -> dict:
    text = normalize_text(intro or "")
    if not text:
        raise DomainError(_("متن آغاز خبرنامه را بنویسید."), field="intro")
    if len(text) > INTRO_MAX_LENGTH:
        raise DomainError(_("متن آغاز خبرنامه بلندتر از %(count)s نویسه است.", count=INTRO_MAX_LENGTH),
                          field="intro")
    changes = {"intro": [publication.intro or None, text]}
    if publication.approved_at is not None:
        changes["approved_at"] = [publication.approved_at, None]
        changes["category_ids"] = [list(publication.category_ids), []]
        publication.approved_at = publication.approved_by_id = None
        publication.category_ids = []
    publication.intro = text
    publication.intro_by_id = actor.id
    publication.intro_at = now
    return changes


def _approve(session: Session, publication: Publication, *, cycle: Cycle, actor: User, now) -> dict:
    if not publication.intro:
        raise DomainError(_("پیش از تأیید، متن آغاز خبرنامه را بنویسید."), field="intro")
    categories = final_category_ids(session, cycle=cycle)
    if not categories:
        raise InvalidTransition(_("هنوز نتیجهٔ هیچ رشته‌ای تأیید نهایی نشده است؛ فهرست برگزیدگان پس از "
                                  "تأیید نتایج آماده می‌شود."))
    changes = {"category_ids": [list(publication.category_ids) or None, categories],
               "approved_at": [publication.approved_at, now]}
    publication.category_ids = categories
    publication.approved_by_id = actor.id
    publication.approved_at = now
    return changes


def _open(publication: Publication, *, cycle: Cycle, actor: User, now) -> dict:
    if not ceremony_reached(cycle, now):
        raise PhaseClosed(_("صفحهٔ برگزیدگان پیش از روز آیین باز نمی‌شود؛ از %(date)s می‌توانید آن را باز کنید.",
                            date=format_jalali_date(ceremony_day(cycle), long=True, persian_digits=i18n.persian_ui())),
                          field="open")
    publication.opened_by_id = actor.id
    publication.opened_at = now
    return {"opened_at": [None, now]}
