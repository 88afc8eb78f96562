"""The provincial round's set-up: the per-cycle switch and dates (organizers), and each province's working group
(its officer). Keyword-only, flush but never commit, audit every change.

A working group (:class:`~awards.models.ProvincialGroup`) is made on the first seat its officer adds, so a page
that shows a province without a group never writes.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import permissions
from awards.audit.services import record
from awards.errors import DomainError, PermissionDenied
from awards.guards import ensure_cycle_writable
from awards.models import Cycle, Province, ProvincialGroup, ProvincialRound, ProvincialSeat, User
from awards.persian import normalize_text
from awards.provincial.conflicts import flag_seat_conflicts


def set_round(session: Session, *, cycle: Cycle, actor: User, enabled: bool, scoring_close_at: datetime,
              selection_close_at: datetime) -> ProvincialRound:
    """Switch the provincial round on or off for ``cycle`` and set its two dates.

    Both dates fall between nominations close and screening close, scoring before selection.
    """
    if not permissions.can_manage_provincial_round(actor):
        raise PermissionDenied(_("فقط دبیرخانه دور استانی را تنظیم می‌کند."))
    ensure_cycle_writable(cycle)
    if scoring_close_at.tzinfo is None or selection_close_at.tzinfo is None:
        raise ValueError("provincial round dates must be aware")
    if scoring_close_at < cycle.nominations_close_at:
        raise DomainError(_("پایان ارزیابی استانی نباید پیش از پایان معرفی نامزدها باشد."), field="scoring_close_at")
    if selection_close_at < scoring_close_at:
        raise DomainError(_("پایان انتخاب استانی نباید پیش از پایان ارزیابی استانی باشد."),
                          field="selection_close_at")
    if selection_close_at > cycle.screening_close_at:
        raise DomainError(_("پایان انتخاب استانی نباید پس از پایان غربالگری باشد."), field="selection_close_at")
    current = cycle.provincial_round
    before = None if current is None else {
        "enabled": current.enabled, "scoring_close_at": current.scoring_close_at.isoformat(),
        "selection_close_at": current.selection_close_at.isoformat()}
    if current is None:
        current = ProvincialRound(cycle_id=cycle.id)
        cycle.provincial_round = current
    current.enabled = enabled
    current.scoring_close_at = scoring_close_at
    current.selection_close_at = selection_close_at
    session.flush()
    after = {"enabled": enabled, "scoring_close_at": scoring_close_at.isoformat(),
             "selection_close_at": selection_close_at.isoformat()}
    changes = {name: [(before or {}).get(name), value] for name, value in after.items()
               if (before or {}).get(name) != value}
    if changes:
        record(session, actor=actor, action="provincial.round", object_type="cycle", object_id=cycle.id,
               cycle_id=cycle.id, changes=changes)
    return current


def group_of(session: Session, *, cycle: Cycle, province_id: int) -> ProvincialGroup | None:
    return session.scalar(select(ProvincialGroup).where(ProvincialGroup.cycle_id == cycle.id,
                                                        ProvincialGroup.province_id == province_id))


def _group_for_writing(session: Session, *, cycle: Cycle, province: Province, actor: User) -> ProvincialGroup:
    group = group_of(session, cycle=cycle, province_id=province.id)
    if group is None:
        group = ProvincialGroup(cycle_id=cycle.id, province_id=province.id, province=province)
        session.add(group)
        session.flush()
        record(session, actor=actor, action="provincial.group_create", object_type="provincial_group",
               object_id=group.id, cycle_id=cycle.id, province_id=province.id)
    return group


def add_seat(session: Session, *, cycle: Cycle, province: Province, actor: User, username: str,
             organisation: str, is_chair: bool = False) -> ProvincialSeat:
    """Seat the account ``username`` on the province's working group (made if it has none yet)."""
    if not (permissions.is_province_officer(actor) and actor.province_id == province.id):
        raise PermissionDenied(_("کارگروه استانی را فقط کارشناس همان استان اداره می‌کند."))
    ensure_cycle_writable(cycle)
    if not cycle.has_provincial_round:
        raise DomainError(_("دور استانی در این دوره برگزار نمی‌شود."))
    username = normalize_text(username or "").strip()
    organisation = normalize_text(organisation or "").strip()
    user = session.scalar(select(User).where(User.username == username)) if username else None
    if user is None or not user.active:
        raise DomainError(_("حساب فعالی با این نام کاربری نیست."), field="username")
    if not organisation:
        raise DomainError(_("سازمان عضو را بنویسید."), field="organisation")
    group = _group_for_writing(session, cycle=cycle, province=province, actor=actor)
    if any(seat.user_id == user.id for seat in group.seats):
        raise DomainError(_("این کاربر پیش‌تر عضو کارگروه است."), field="username")
    if is_chair and group.chair is not None:
        raise DomainError(_("کارگروه رئیس دارد؛ نخست ریاست را از او بگیرید."), field="is_chair")
    seat = ProvincialSeat(group_id=group.id, user_id=user.id, user=user, organisation=organisation,
                          is_chair=is_chair)
    group.seats.append(seat)
    session.flush()
    record(session, actor=actor, action="provincial.seat_add", object_type="provincial_seat", object_id=seat.id,
           cycle_id=cycle.id, province_id=province.id,
           changes={"user": [None, user.username], "organisation": [None, organisation],
                    "is_chair": [None, is_chair]})
    flag_seat_conflicts(session, seat=seat, actor=actor)
    return seat


def _check_manager(actor: User, group: ProvincialGroup) -> None:
    if not permissions.can_manage_provincial_group(actor, group):
        raise PermissionDenied(_("کارگروه استانی را فقط کارشناس همان استان اداره می‌کند."))
    ensure_cycle_writable(group.cycle)


def remove_seat(session: Session, *, seat: ProvincialSeat, actor: User) -> None:
    group = seat.group
    _check_manager(actor, group)
    record(session, actor=actor, action="provincial.seat_remove", object_type="provincial_seat", object_id=seat.id,
           cycle_id=group.cycle_id, province_id=group.province_id,
           changes={"user": [seat.user.username, None], "is_chair": [seat.is_chair, None]})
    group.seats.remove(seat)
    session.flush()


def set_chair(session: Session, *, seat: ProvincialSeat, actor: User) -> None:
    """Make ``seat`` the chair of its group (the former chair stays a member)."""
    group = seat.group
    _check_manager(actor, group)
    if seat.is_chair:
        return
    former = group.chair
    if former is not None:
        former.is_chair = False
        session.flush()  # one chair at a time (the partial unique index)
    seat.is_chair = True
    session.flush()
    record(session, actor=actor, action="provincial.chair", object_type="provincial_seat", object_id=seat.id,
           cycle_id=group.cycle_id, province_id=group.province_id,
           changes={"chair": [former.user.username if former else None, seat.user.username]})
