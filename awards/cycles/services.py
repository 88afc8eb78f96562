"""Cycle timeline edits (deadline extensions) and ceremony postponement, audited field by field.

Functions are keyword-only, take model objects and the acting user, flush but never commit, and raise
``DomainError`` subclasses whose message the route shows as it is. The nomination services read the timeline
through ``Cycle.phase_at(clock.now())``, so an edit here changes what they allow from the next request on.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import diff, record, snapshot
from awards.errors import DomainError, PermissionDenied, PhaseClosed
from awards.guards import ensure_cycle_writable
from awards.labels import TIMELINE_FIELD_LABELS
from awards.models import Cycle, User
from awards.models.cycle import TIMELINE_FIELDS
from awards.persian import format_jalali_datetime, normalize_text

#: Fields the timeline form edits; the ceremony moves only through :func:`postpone_ceremony`.
EDITABLE_FIELDS = TIMELINE_FIELDS[:-1]
#: Deadlines: moving one of them later is an extension and needs a reason.
DEADLINE_FIELDS = ("nominations_close_at", "screening_close_at", "evaluation_close_at", "results_final_at")
CEREMONY_FIELDS = ("ceremony_at", "ceremony_postponed_from", "ceremony_postponed_reason")

FIELD_LABELS_FA = TIMELINE_FIELD_LABELS


class TimelineInvalid(DomainError):
    """The dates are out of order; ``errors`` maps each offending field to its Persian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = errors


def timeline_errors(values: dict[str, datetime], *,
                    changed: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    """Check open < close <= screening <= evaluation <= results <= ceremony; name the field to blame.

    Each broken pair is reported on the field the user changed (the later one when both or neither changed),
    never on the ceremony, which this form does not edit.
    """
    errors: dict[str, str] = {}
    for earlier, later in pairwise(TIMELINE_FIELDS):
        strict = earlier == "nominations_open_at"
        if values[later] > values[earlier] or (not strict and values[later] == values[earlier]):
            continue
        blame_earlier = later not in EDITABLE_FIELDS or (earlier in changed and later not in changed)
        if blame_earlier:
            names = {"earlier": FIELD_LABELS_FA[earlier], "later": FIELD_LABELS_FA[later]}
            if strict:
                message = _("«%(earlier)s» باید پیش از «%(later)s» باشد.", **names)
            else:
                message = _("«%(earlier)s» باید پیش از یا هم‌زمان با «%(later)s» باشد.", **names)
            if later == "ceremony_at":
                message += " " + _("برای دیرتر کردن آن، نخست آیین را به تعویق بیندازید.")
            errors.setdefault(earlier, message)
        else:
            names = {"earlier": FIELD_LABELS_FA[earlier], "later": FIELD_LABELS_FA[later]}
            if strict:
                errors.setdefault(later, _("«%(later)s» باید پس از «%(earlier)s» باشد.", **names))
            else:
                errors.setdefault(later, _("«%(later)s» باید پس از یا هم‌زمان با «%(earlier)s» باشد.", **names))
    return errors


def _check_organizer(actor: User, cycle: Cycle) -> None:
    if not permissions.can_manage_cycles(actor):
        raise PermissionDenied(_("فقط دبیرخانه زمان‌بندی دوره را تغییر می‌دهد."))
    ensure_cycle_writable(cycle)


def _check_aware(values: dict[str, datetime]) -> None:
    for name, value in values.items():
        if value.tzinfo is None:
            raise ValueError(f"{name}: naive datetime given to the timeline")


def update_timeline(session: Session, *, cycle: Cycle, actor: User, values: dict[str, datetime],
                    reason: str | None) -> dict[str, list[Any]]:
    """Move timeline dates (``values`` maps field names to aware datetimes) and audit each change.

    Refuses dates out of order, any change to the ceremony (see :func:`postpone_ceremony`), and an extension
    (a deadline moved later) without a reason. Side effects: sets the fields on ``cycle`` and appends one
    audit event, ``cycle.extend`` when a deadline moved later, else ``cycle.timeline``, with before/after per
    field. Returns the changes (empty when nothing changed; then nothing is recorded).
    """
    _check_organizer(actor, cycle)
    unknown = set(values) - set(TIMELINE_FIELDS)
    if unknown:
        raise ValueError(f"not timeline fields: {sorted(unknown)}")
    _check_aware(values)
    if "ceremony_at" in values and values["ceremony_at"] != cycle.ceremony_at:
        raise DomainError(_("تاریخ آیین فقط با فرم «تعویق آیین» و با ذکر دلیل جابه‌جا می‌شود."), field="ceremony_at")
    changed = {name for name, value in values.items() if value != getattr(cycle, name)}
    merged = {name: values[name] if name in changed else getattr(cycle, name) for name in TIMELINE_FIELDS}
    if errors := timeline_errors(merged, changed=changed):
        raise TimelineInvalid(errors)
    reason = normalize_text(reason or "") or None
    extended = [name for name in DEADLINE_FIELDS if name in changed and merged[name] > getattr(cycle, name)]
    if extended and not reason:
        labels = i18n.join(f"«{FIELD_LABELS_FA[name]}»" for name in extended)
        raise DomainError(_("تمدید مهلت (%(labels)s) بدون دلیل ثبت نمی‌شود؛ دلیل را بنویسید.", labels=labels),
                          field="reason")
    if not changed:
        return {}
    before = snapshot(cycle, TIMELINE_FIELDS)
    for name in changed:
        setattr(cycle, name, merged[name])
    changes = diff(cycle, TIMELINE_FIELDS, before)
    session.flush()
    record(session, actor=actor, action="cycle.extend" if extended else "cycle.timeline", object_type="cycle",
           object_id=cycle.id, cycle_id=cycle.id, changes=changes, reason=reason)
    return changes


def postpone_ceremony(session: Session, *, cycle: Cycle, actor: User, new_date: datetime,
                      reason: str | None) -> dict[str, list[Any]]:
    """Move the ceremony later, keeping its first planned date and the reason; audited.

    Side effects: sets ``ceremony_at``, ``ceremony_postponed_reason`` and, on the first postponement only,
    ``ceremony_postponed_from`` (the originally planned date); appends a ``cycle.postpone_ceremony`` event.
    """
    _check_organizer(actor, cycle)
    _check_aware({"new_date": new_date})
    reason = normalize_text(reason or "")
    if not reason:
        raise DomainError(_("دلیل تعویق آیین را بنویسید."), field="reason")
    if cycle.ceremony_at <= clock.now():
        raise PhaseClosed(_("آیین این دوره برگزار شده است و به تعویق نمی‌افتد."))
    if new_date <= cycle.ceremony_at:
        raise DomainError(
            _("تاریخ تازه باید پس از تاریخ کنونی آیین (%(date)s) باشد.",
              date=format_jalali_datetime(cycle.ceremony_at, persian_digits=i18n.persian_ui())),
            field="new_date",
        )
    before = snapshot(cycle, CEREMONY_FIELDS)
    if cycle.ceremony_postponed_from is None:
        cycle.ceremony_postponed_from = cycle.ceremony_at
    cycle.ceremony_at = new_date
    cycle.ceremony_postponed_reason = reason
    changes = diff(cycle, CEREMONY_FIELDS, before)
    session.flush()
    record(session, actor=actor, action="cycle.postpone_ceremony", object_type="cycle", object_id=cycle.id,
           cycle_id=cycle.id, changes=changes, reason=reason)
    return changes
