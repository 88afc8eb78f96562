"""Minutes of a meeting (صورتجلسه) of a committee or of a province's working group: one state machine,
:func:`transition`.

::

    recording --sign (first attendee)--> signing --sign (last attendee)--> sealed
      ^   |                                 |
      |   `--edit (details, attendees, decisions; only here)                |
      `--------------reopen (the chair, with a reason: clears every signature)

Editing is allowed only before the first signature (the ``edit`` edge exists from ``recording`` alone), so every
attendee confirms the same content, and each signature records the content digest it confirmed. A mistake found
while signing is mended by the chair's ``reopen``, which clears the signatures given so far (audited with who had
signed) and lets the minutes be edited and signed again; sealed minutes never reopen. The last signature seals the
minutes: ``content_digest`` (SHA-256 of :func:`canonical_content`) and ``sealed_at`` are stored, and since the PDF
is drawn only from stored fields, a sealed minutes' PDF is the same bytes on every print.

Recording, editing and deciding check the ``edit`` edge through :func:`_require_edge`; signing and reopening go
through :func:`transition`. Functions are keyword-only, flush but never commit, and audit every change.

The body that meets is a committee of the cycle (``body = committee``) or a province's working group of the
cycle (``body = provincial_group``); what differs is read from the body: who records (the committee's or the
group's chair: ``permissions.can_record_meeting``), the seats the attendees are chosen from and the quorum counted
on (more than half of them either way), the number (``1404-WIN-03``, ``1404-FA-G02``) and the decisions allowed
(:func:`decision_kinds`). A working group's audit events carry its province.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from awards import clock, permissions
from awards.audit.services import record
from awards.enums import CommitteeCode, DecisionKind, MeetingAction, MeetingBody, MeetingState, NominationState, Phase
from awards.errors import DomainError, InvalidTransition, PermissionDenied
from awards.guards import ensure_cycle_writable
from awards.models import (
    Category,
    Committee,
    ComplianceDecision,
    Cycle,
    Meeting,
    MeetingAttendee,
    MeetingDecision,
    Membership,
    Nomination,
    Province,
    ProvincialDecision,
    ProvincialGroup,
    ProvincialSeat,
    ScreeningDecision,
    TieResolution,
    User,
)
from awards.persian import TEHRAN, format_jalali_date, normalize_text, to_latin_digits
from awards.provincial.awards import PROVINCE_LETTERS
from awards.provincial.ranking import provincial_ranking
from awards.results.queries import load_results
from awards.results.services import canonical_json, digest, result_payload, verification_token

A = MeetingAction
S = MeetingState
K = DecisionKind

RECORD_ACTION = "meeting.record"
EDIT_ACTION = "meeting.edit"
DECIDE_ACTION = "meeting.decide"
REMOVE_DECISION_ACTION = "meeting.remove_decision"
SIGN_ACTION = "meeting.sign"
SEAL_ACTION = "meeting.seal"
REOPEN_ACTION = "meeting.reopen"

#: (action, from state) -> to state. Signing from ``signing`` may also seal (see :func:`transition`).
EDGES: dict[tuple[MeetingAction, MeetingState], MeetingState] = {
    (A.EDIT, S.RECORDING): S.RECORDING,
    (A.SIGN, S.RECORDING): S.SIGNING,
    (A.SIGN, S.SIGNING): S.SIGNING,
    (A.REOPEN, S.SIGNING): S.RECORDING,
}

#: The committee's code in a meeting number: ``1404-WIN-03``.
NUMBER_CODES = {
    CommitteeCode.WINNERS: "WIN",
    CommitteeCode.PROVINCIAL_AFFAIRS: "PRV",
    CommitteeCode.MEDIA: "MED",
    CommitteeCode.OVERSIGHT: "OVS",
    CommitteeCode.FINANCE: "FIN",
    CommitteeCode.CONTENT: "CON",
}

#: Which decisions each committee takes in its minutes (a general decision in any).
DECISION_KINDS: dict[CommitteeCode, tuple[DecisionKind, ...]] = {
    CommitteeCode.WINNERS: (K.CATEGORY_RANKING, K.TIE_ORDER, K.GENERAL),
    CommitteeCode.PROVINCIAL_AFFAIRS: (K.SCREENING, K.GENERAL),
    CommitteeCode.OVERSIGHT: (K.COMPLIANCE, K.GENERAL),
    CommitteeCode.FINANCE: (K.BUDGET, K.GENERAL),
    CommitteeCode.MEDIA: (K.GENERAL,),
    CommitteeCode.CONTENT: (K.GENERAL,),
}

#: What a province's working group decides in its minutes: its ranking and forwarding in a category, or free text.
GROUP_DECISION_KINDS: tuple[DecisionKind, ...] = (K.PROVINCIAL_RANKING, K.GENERAL)

#: A dossier's forwarding as a provincial ranking decision prints it, from its state: kept in the province,
#: awaiting the chair, or (any later state) forwarded to the national round.
KEPT_STATES = frozenset({NominationState.NOT_FORWARDED, NominationState.PROVINCIALLY_AWARDED})

PLACE_MAX_LENGTH = 200
AGENDA_MAX_LENGTH = 4000
TEXT_MAX_LENGTH = 4000
#: Amounts in rials stay below this (a quintillion), which the PDF still writes in words.
MAX_AMOUNT = Decimal(10) ** 18
#: Ranked rows a ranking decision prints; the digest covers the whole result whatever this is.
RANKING_ROWS = 50


# ---------------------------------------------------------------------------------------------------------------
# Numbers, quorum and the canonical content
# ---------------------------------------------------------------------------------------------------------------


def meeting_number(year: int, code: CommitteeCode, sequence: int) -> str:
    """``<year>-<CODE>-<NN>``, e.g. ``1404-WIN-03``: the sequence counts per committee and cycle."""
    return f"{year}-{NUMBER_CODES[code]}-{sequence:02d}"


def group_meeting_number(year: int, iso_code: str, sequence: int) -> str:
    """``<year>-<LL>-G<NN>``, e.g. ``1404-FA-G02``: the province's two letters of its provincial serials
    (``1404-FA-001``), ``G`` so a meeting never reads as a certificate; the sequence counts per working group (one
    per province and cycle)."""
    return f"{year}-{PROVINCE_LETTERS[iso_code]}-G{sequence:02d}"


def is_group(meeting: Meeting) -> bool:
    return meeting.body is MeetingBody.PROVINCIAL_GROUP


def decision_kinds(meeting: Meeting) -> tuple[DecisionKind, ...]:
    """The decisions the meeting's body takes: :data:`DECISION_KINDS` per committee, :data:`GROUP_DECISION_KINDS`."""
    return GROUP_DECISION_KINDS if is_group(meeting) else DECISION_KINDS[meeting.committee.code]


def _province_id(meeting: Meeting) -> int | None:
    return meeting.provincial_group.province_id if is_group(meeting) else None


def quorum_needed(seated: int) -> int:
    """More than half of the committee's seated members (PROCESS.md: "a quorum of more than half the committee")."""
    return seated // 2 + 1


def canonical_content(meeting: Meeting) -> dict[str, Any]:
    """What the attendees confirm and the seal's digest covers: number, body, date, place, agenda, the attendees
    as written and the numbered decisions with their linked rows, stored digests and tables (not the signatures).
    A working group's minutes add its province (ISO code); a committee's content is as it always was, so minutes
    sealed before working groups met keep their digest."""
    content = {
        "number": meeting.number,
        "cycle": meeting.cycle.year,
        "body": meeting.body.value,
        "committee": meeting.committee.code.value if meeting.committee else None,
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "agenda": meeting.agenda,
        "attendees": [{"user_id": a.user_id, "name": a.name, "chair": a.is_chair} for a in meeting.attendees],
        "decisions": [
            {"number": number, "kind": d.kind.value, "text": d.text,
             "category": d.category.code if d.category else None, "subject_ids": list(d.subject_ids),
             "result_digest": d.result_digest, "amount": None if d.amount is None else str(d.amount),
             "table": d.table}
            for number, d in enumerate(meeting.decisions, start=1)
        ],
    }
    if is_group(meeting):
        content["province"] = meeting.provincial_group.province.iso_code
    return content


def content_digest(meeting: Meeting) -> str:
    """SHA-256 of the canonical JSON of :func:`canonical_content`."""
    return digest(canonical_content(meeting))


def content_bytes(meeting: Meeting) -> bytes:
    return canonical_json(canonical_content(meeting))


# ---------------------------------------------------------------------------------------------------------------
# Recording and editing (the ``edit`` edge)
# ---------------------------------------------------------------------------------------------------------------


def _require_edge(meeting: Meeting, action: MeetingAction) -> MeetingState:
    target = EDGES.get((action, meeting.state))
    if target is None:
        raise InvalidTransition(_refusal(action, meeting.state, group=is_group(meeting)))
    return target


def _refusal(action: MeetingAction, state: MeetingState, *, group: bool = False) -> str:
    if state is S.SEALED:
        return _("این صورتجلسه مهر و موم شده است و دیگر تغییر نمی‌کند.")
    if action is A.EDIT and group:
        return _("امضای این صورتجلسه آغاز شده است؛ برای ویرایش، رئیس کارگروه باید آن را به نگارش بازگرداند "
                 "(امضاها پاک می‌شوند).")
    if action is A.EDIT:
        return _("امضای این صورتجلسه آغاز شده است؛ برای ویرایش، رئیس کمیته باید آن را به نگارش بازگرداند "
                 "(امضاها پاک می‌شوند).")
    return _("این صورتجلسه هنوز به امضا نرسیده است.")


def _require_chair(actor: User, meeting: Meeting) -> None:
    if permissions.can_record_meeting(actor, meeting):
        return
    if is_group(meeting):
        raise PermissionDenied(_("صورتجلسهٔ کارگروه استانی را فقط رئیس همان کارگروه ثبت و ویرایش می‌کند."))
    raise PermissionDenied(_("صورتجلسهٔ کمیته را فقط رئیس همان کمیته در این دوره ثبت و ویرایش می‌کند."))


def _details(*, held_on: date | None, place: str | None, agenda: str | None) -> tuple[date, str, str]:
    if held_on is None:
        raise DomainError(_("تاریخ جلسه را وارد کنید."), field="held_on")
    if held_on > clock.now().astimezone(TEHRAN).date():
        raise DomainError(_("تاریخ جلسه نمی‌تواند پس از امروز باشد؛ صورتجلسه پس از برگزاری جلسه ثبت می‌شود."),
                          field="held_on")
    place = normalize_text(place or "")
    if not place:
        raise DomainError(_("محل جلسه را بنویسید."), field="place")
    if len(place) > PLACE_MAX_LENGTH:
        raise DomainError(_("محل جلسه بلندتر از %(count)s نویسه است.", count=PLACE_MAX_LENGTH), field="place")
    agenda = normalize_text(agenda or "")
    if not agenda:
        raise DomainError(_("دستور جلسه را بنویسید."), field="agenda")
    if len(agenda) > AGENDA_MAX_LENGTH:
        raise DomainError(_("دستور جلسه بلندتر از %(count)s نویسه است.", count=AGENDA_MAX_LENGTH), field="agenda")
    return held_on, place, agenda


def seats(session: Session, *, cycle: Cycle, committee: Committee | None = None,
          group: ProvincialGroup | None = None) -> list[Membership] | list[ProvincialSeat]:
    """The committee's seats in the cycle, or the working group's, chair first, then by name."""
    if group is not None:
        return list(session.scalars(
            select(ProvincialSeat).join(User, User.id == ProvincialSeat.user_id)
            .where(ProvincialSeat.group_id == group.id)
            .order_by(ProvincialSeat.is_chair.desc(), User.full_name, User.id)
        ))
    return list(session.scalars(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.cycle_id == cycle.id, Membership.committee_id == committee.id)
        .order_by(Membership.is_chair.desc(), User.full_name, User.id)
    ))


def _attendees(session: Session, *, cycle: Cycle, committee: Committee | None = None,
               group: ProvincialGroup | None = None,
               user_ids: Iterable[int]) -> list[Membership] | list[ProvincialSeat]:
    """The seats of the members present; refused below quorum (more than half of the body's seats) or for someone
    without a seat."""
    chosen = {int(i) for i in user_ids}
    seated = seats(session, cycle=cycle, committee=committee, group=group)
    present = [m for m in seated if m.user_id in chosen]
    if len(present) != len(chosen):
        if group is not None:
            raise DomainError(_("حاضران باید از اعضای همین کارگروه استانی باشند."), field="attendees")
        raise DomainError(_("حاضران باید از اعضای همین کمیته در این دوره باشند."), field="attendees")
    needed = quorum_needed(len(seated))
    if len(present) < needed and group is not None:
        raise DomainError(_("جلسه به حد نصاب نرسیده است: از %(seated)s عضو کارگروه دست‌کم %(needed)s نفر باید "
                            "حاضر باشند (%(present)s نفر علامت خورده است).",
                            seated=len(seated), needed=needed, present=len(present)), field="attendees")
    if len(present) < needed:
        raise DomainError(_("جلسه به حد نصاب نرسیده است: از %(seated)s عضو کمیته دست‌کم %(needed)s نفر باید "
                            "حاضر باشند (%(present)s نفر علامت خورده است).",
                            seated=len(seated), needed=needed, present=len(present)), field="attendees")
    return present


def _set_attendees(meeting: Meeting, present: list[Membership] | list[ProvincialSeat]) -> None:
    meeting.attendees = [MeetingAttendee(user_id=m.user_id, name=m.user.full_name, is_chair=m.is_chair, position=i)
                         for i, m in enumerate(present, start=1)]


def _next_sequence(session: Session, *, cycle: Cycle, committee: Committee | None = None,
                   group: ProvincialGroup | None = None) -> int:
    # The cycle row's lock (PostgreSQL: FOR UPDATE; SQLite writes one at a time) serialises two recordings.
    session.execute(select(Cycle.id).where(Cycle.id == cycle.id).with_for_update())
    body = (Meeting.provincial_group_id == group.id) if group is not None else (Meeting.committee_id == committee.id)
    last = session.scalar(select(func.max(Meeting.sequence)).where(Meeting.cycle_id == cycle.id, body))
    return (last or 0) + 1


def record_meeting(session: Session, *, cycle: Cycle, committee: Committee | None = None,
                   group: ProvincialGroup | None = None, actor: User, held_on: date | None, place: str | None,
                   agenda: str | None, attendee_ids: Iterable[int]) -> Meeting:
    """The chair of a committee (``committee``) or of a province's working group (``group``, of ``cycle``) records
    a meeting: date (not in the future), place, agenda and the members present.

    Refused below quorum (more than half the body's seats: the committee's in the cycle, or the group's) and for
    attendees without a seat. Side effects: a new meeting in ``recording`` with the next number of the body and
    cycle and a public token; audited as ``meeting.record`` (with the province for a working group).
    """
    if (committee is None) == (group is None):
        raise ValueError("a meeting is of one body: a committee or a working group")
    if group is not None:
        if group.cycle_id != cycle.id or not permissions.chairs_provincial_group(actor, group):
            raise PermissionDenied(_("صورتجلسهٔ کارگروه استانی را فقط رئیس همان کارگروه ثبت و ویرایش می‌کند."))
    elif not permissions.can_record_minutes(actor, cycle, committee.code):
        raise PermissionDenied(_("صورتجلسهٔ کمیته را فقط رئیس همان کمیته در این دوره ثبت و ویرایش می‌کند."))
    ensure_cycle_writable(cycle)
    held_on, place, agenda = _details(held_on=held_on, place=place, agenda=agenda)
    present = _attendees(session, cycle=cycle, committee=committee, group=group, user_ids=attendee_ids)
    sequence = _next_sequence(session, cycle=cycle, committee=committee, group=group)
    if group is not None:
        meeting = Meeting(cycle=cycle, body=MeetingBody.PROVINCIAL_GROUP, provincial_group=group,
                          number=group_meeting_number(cycle.year, group.province.iso_code, sequence))
    else:
        meeting = Meeting(cycle=cycle, body=MeetingBody.COMMITTEE, committee=committee,
                          number=meeting_number(cycle.year, committee.code, sequence))
    meeting.sequence, meeting.token, meeting.recorded_by_id, meeting.recorded_at = (
        sequence, verification_token(), actor.id, clock.now())
    meeting.held_on, meeting.place, meeting.agenda, meeting.state = held_on, place, agenda, S.RECORDING
    _set_attendees(meeting, present)
    session.add(meeting)
    session.flush()
    record(session, actor=actor, action=RECORD_ACTION, object_type="meeting", object_id=meeting.id,
           cycle_id=cycle.id, province_id=_province_id(meeting),
           changes={"number": [None, meeting.number], "held_on": [None, held_on.isoformat()],
                    "place": [None, place], "attendees": [None, [a.name for a in meeting.attendees]]})
    return meeting


def update_meeting(session: Session, *, meeting: Meeting, actor: User, held_on: date | None, place: str | None,
                   agenda: str | None, attendee_ids: Iterable[int]) -> Meeting:
    """The chair edits the details and attendees of minutes nobody has signed yet; audited ``meeting.edit``."""
    _require_chair(actor, meeting)
    ensure_cycle_writable(meeting.cycle)
    _require_edge(meeting, A.EDIT)
    held_on, place, agenda = _details(held_on=held_on, place=place, agenda=agenda)
    present = _attendees(session, cycle=meeting.cycle, committee=meeting.committee, group=meeting.provincial_group,
                         user_ids=attendee_ids)
    before = {"held_on": meeting.held_on.isoformat(), "place": meeting.place, "agenda": meeting.agenda,
              "attendees": [a.name for a in meeting.attendees]}
    meeting.held_on, meeting.place, meeting.agenda = held_on, place, agenda
    if [a.user_id for a in meeting.attendees] != [m.user_id for m in present]:
        meeting.attendees.clear()
        session.flush()  # the old rows go before the new ones take their (meeting, user) pairs
        _set_attendees(meeting, present)
    session.flush()
    after = {"held_on": held_on.isoformat(), "place": place, "agenda": agenda,
             "attendees": [a.name for a in meeting.attendees]}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    record(session, actor=actor, action=EDIT_ACTION, object_type="meeting", object_id=meeting.id,
           cycle_id=meeting.cycle_id, province_id=_province_id(meeting), changes=changes)
    return meeting


# ---------------------------------------------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------------------------------------------


def _require_results_visible(category: Category) -> None:
    if category.cycle.phase_at(clock.now()) not in (Phase.RESULTS, Phase.FINAL):
        raise DomainError(_("رتبه‌بندی و ترتیب هم‌امتیازها پس از پایان ارزیابی در صورتجلسه ثبت می‌شوند."),
                          field="category_id")


def _ranking(session: Session, category: Category) -> tuple[dict[str, Any], str, list[int]]:
    """The category's ranking table as printed, and the digest of its result as a proposal would record it."""
    _require_results_visible(category)
    data = load_results(session, category=category)
    if data.result.blocking_ties:
        raise DomainError(_("نامزدهایی هم‌امتیازند که جایزه به ترتیبشان بستگی دارد؛ نخست ترتیب آن‌ها را تعیین "
                            "کنید، سپس رتبه‌بندی را در صورتجلسه ثبت کنید."), field="category_id")
    ranked = data.result.ranked
    rows = [[n.rank, data.nominees[n.id].name, data.nominees[n.id].province,
             None if n.final is None else str(n.final2), n.tier.value if n.tier else None]
            for n in ranked[:RANKING_ROWS]]
    table = {"columns": ["rank", "nominee", "province", "final_score", "tier"], "rows": rows,
             "more": max(0, len(ranked) - RANKING_ROWS)}
    result = digest(result_payload(cycle_year=category.cycle.year, category_code=category.code, result=data.result))
    return table, result, [n.id for n in ranked]


def _tie_orders(session: Session, category: Category) -> tuple[dict[str, Any], list[int]]:
    _require_results_visible(category)
    latest: dict[tuple[int, ...], TieResolution] = {}
    for tie in session.scalars(select(TieResolution).where(TieResolution.category_id == category.id)
                               .order_by(TieResolution.id)):
        latest[tuple(sorted(tie.ordered_nomination_ids))] = tie
    if not latest:
        raise DomainError(_("در این رشته ترتیبی برای نامزدهای هم‌امتیاز ثبت نشده است."), field="category_id")
    ids = {i for tie in latest.values() for i in tie.ordered_nomination_ids}
    names = dict(session.execute(select(Nomination.id, Nomination.nominee_name).where(Nomination.id.in_(ids))).all())
    ties = sorted(latest.values(), key=lambda t: t.id)
    rows = [[[names.get(i, str(i)) for i in tie.ordered_nomination_ids], tie.justification] for tie in ties]
    return {"columns": ["order", "justification"], "rows": rows}, [t.id for t in ties]


def _outcomes(session: Session, category: Category, model) -> tuple[dict[str, Any], list[int]]:
    """Screening or compliance decisions on the category's dossiers, oldest first."""
    found = session.execute(
        select(model.id, Nomination.nominee_name, Province.name_fa, model.outcome, model.reason, model.decided_at)
        .join(Nomination, Nomination.id == model.nomination_id).join(Province, Province.id == Nomination.province_id)
        .where(Nomination.category_id == category.id).order_by(model.decided_at, model.id)
    ).all()
    if not found:
        raise DomainError(_("در این رشته هنوز تصمیمی از این نوع گرفته نشده است."), field="category_id")
    rows = [[name, province, outcome.value, reason or "", format_jalali_date(decided_at, persian_digits=False)]
            for _id, name, province, outcome, reason, decided_at in found]
    return ({"columns": ["nominee", "province", "outcome", "reason", "date"], "rows": rows},
            [row[0] for row in found])


def _provincial_ranking(session: Session, group: ProvincialGroup,
                        category: Category) -> tuple[dict[str, Any], list[int]]:
    """The province's ranking in ``category`` on the provincial rubric as printed, with each dossier's forwarding as
    it stands (forwarded, kept in the province, or awaiting the chair) and the justification of a forward over a
    dossier ranked above; refused before provincial scoring closes and when the group has decided nothing yet."""
    if group.cycle.phase_at(clock.now()) in (Phase.NOT_OPEN, Phase.NOMINATION, Phase.PROVINCIAL_SCORING):
        raise DomainError(_("رتبه‌بندی استانی پس از پایان ارزیابی استانی در صورتجلسه ثبت می‌شود."),
                          field="category_id")
    ranking = provincial_ranking(session, group=group, category=category)
    rows = ranking.rows()
    if not rows:
        raise DomainError(_("این استان در این رشته پرونده‌ای در دور استانی ندارد."), field="category_id")
    justifications: dict[int, str] = {}
    for nomination_id, justification in session.execute(
            select(ProvincialDecision.nomination_id, ProvincialDecision.justification)
            .where(ProvincialDecision.group_id == group.id, ProvincialDecision.forwarded,
                   ProvincialDecision.nomination_id.in_([n.id for n, _result in rows]))
            .order_by(ProvincialDecision.id)):
        justifications[nomination_id] = justification  # the latest forward's
    table_rows = []
    for nomination, result in rows:
        if nomination.state is NominationState.SUBMITTED:
            decided = "awaiting"
        elif nomination.state in KEPT_STATES:
            decided = "kept"
        else:
            decided = "forwarded"
        table_rows.append([result.rank, nomination.nominee_name,
                           None if result.final2 is None else str(result.final2), decided,
                           justifications.get(nomination.id) or None if decided == "forwarded" else None])
    if all(row[3] == "awaiting" for row in table_rows):
        raise DomainError(_("کارگروه هنوز دربارهٔ هیچ پرونده‌ای از این رشته تصمیم نگرفته است؛ نخست در صفحهٔ "
                            "کارگروه پرونده‌ها را معرفی کنید یا در استان نگه دارید."), field="category_id")
    return ({"columns": ["rank", "nominee", "provincial_score", "forwarding", "justification"],
             "rows": table_rows}, [n.id for n, _result in rows])


def _amount(value: Any) -> Decimal | None:
    """An amount in rials typed with either digit set, thousands separators allowed; empty is none."""
    text = to_latin_digits(str(value or "")).strip()
    for separator in (",", "٬", "،", " ", "\u200c"):
        text = text.replace(separator, "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise DomainError(_("مبلغ را به ریال و با رقم بنویسید."), field="amount") from exc
    if not amount.is_finite() or amount < 0 or amount != amount.to_integral_value() or amount >= MAX_AMOUNT:
        raise DomainError(_("مبلغ باید عددی درست و نامنفی به ریال باشد."), field="amount")
    return amount


def add_decision(session: Session, *, meeting: Meeting, actor: User, kind: DecisionKind, text: str | None = None,
                 category: Category | None = None, amount: Any = None) -> MeetingDecision:
    """The chair adds a numbered decision to minutes nobody has signed yet.

    A ranking stores the category's ranking table (rank, nominee, province, F, tier) and the digest of its current
    result (refused while a tier-deciding tie is unresolved); a tie order, screening or compliance decision stores
    the rows it covers and their table; a budget an optional amount in rials with its text; a general decision its
    text. Which kinds a committee may take: :data:`DECISION_KINDS`. Audited ``meeting.decide``.
    """
    _require_chair(actor, meeting)
    ensure_cycle_writable(meeting.cycle)
    _require_edge(meeting, A.EDIT)
    if kind not in decision_kinds(meeting):
        if is_group(meeting):
            raise DomainError(_("این نوع مصوبه در صورتجلسهٔ کارگروه استانی جایی ندارد."), field="kind")
        raise DomainError(_("این نوع مصوبه در صورتجلسهٔ این کمیته جایی ندارد."), field="kind")
    text = normalize_text(text or "")
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(_("متن مصوبه بلندتر از %(count)s نویسه است.", count=TEXT_MAX_LENGTH), field="text")
    decision = MeetingDecision(kind=kind, text=text, subject_ids=[], table={})
    if kind in (K.CATEGORY_RANKING, K.TIE_ORDER, K.SCREENING, K.COMPLIANCE, K.PROVINCIAL_RANKING):
        if category is None or category.cycle_id != meeting.cycle_id:
            raise DomainError(_("رشته را برگزینید."), field="category_id")
        decision.category = category
        if kind is K.CATEGORY_RANKING:
            decision.table, decision.result_digest, decision.subject_ids = _ranking(session, category)
        elif kind is K.PROVINCIAL_RANKING:
            decision.table, decision.subject_ids = _provincial_ranking(session, meeting.provincial_group, category)
        elif kind is K.TIE_ORDER:
            decision.table, decision.subject_ids = _tie_orders(session, category)
        else:
            decision.table, decision.subject_ids = _outcomes(
                session, category, ScreeningDecision if kind is K.SCREENING else ComplianceDecision)
    else:
        if not text:
            raise DomainError(_("متن مصوبه را بنویسید."), field="text")
        if kind is K.BUDGET:
            decision.amount = _amount(amount)
    decision.position = max((d.position for d in meeting.decisions), default=0) + 1
    meeting.decisions.append(decision)
    session.flush()
    record(session, actor=actor, action=DECIDE_ACTION, object_type="meeting", object_id=meeting.id,
           cycle_id=meeting.cycle_id, province_id=_province_id(meeting),
           changes={"decision": [None, {"kind": kind.value, "category": category.code if decision.category else None,
                                        "text": text, "result_digest": decision.result_digest}]})
    return decision


def remove_decision(session: Session, *, decision: MeetingDecision, actor: User) -> Meeting:
    """The chair removes a decision from minutes nobody has signed yet (the others keep their order)."""
    meeting = decision.meeting
    _require_chair(actor, meeting)
    ensure_cycle_writable(meeting.cycle)
    _require_edge(meeting, A.EDIT)
    summary = {"kind": decision.kind.value, "category": decision.category.code if decision.category else None,
               "text": decision.text}
    meeting.decisions.remove(decision)
    session.flush()
    record(session, actor=actor, action=REMOVE_DECISION_ACTION, object_type="meeting", object_id=meeting.id,
           cycle_id=meeting.cycle_id, province_id=_province_id(meeting), changes={"decision": [summary, None]})
    return meeting


# ---------------------------------------------------------------------------------------------------------------
# Signing, sealing and reopening
# ---------------------------------------------------------------------------------------------------------------


def transition(session: Session, *, meeting: Meeting, action: MeetingAction, actor: User,
               seen_digest: str | None = None, reason: str | None = None) -> Meeting:
    """Take one edge of the minutes as ``actor``; refuse with a message when it may not happen.

    - ``sign``: an attendee confirms the minutes (refused to anyone not recorded as present, to a second
      signature, to minutes without decisions, and when ``seen_digest``, the digest of the content the signer
      read, no longer matches). Records ``signed_at`` and the digest confirmed; the first signature closes editing
      (``signing``); the last one seals: ``content_digest`` and ``sealed_at`` are stored (``meeting.seal``).
    - ``reopen``: the chair returns minutes being signed to ``recording`` with a reason; every signature given so
      far is cleared (the audit event names who had signed).

    Each writes one audit event (``meeting.<action>``), plus ``meeting.seal`` for the sealing signature.
    """
    if action is A.SIGN:
        if not permissions.can_sign_minutes(actor, meeting):
            raise PermissionDenied(_("این صورتجلسه را فقط اعضای حاضر در جلسه امضا می‌کنند."))
    elif action is A.REOPEN:
        _require_chair(actor, meeting)
    else:
        raise InvalidTransition(_refusal(action, meeting.state))
    ensure_cycle_writable(meeting.cycle)
    _lock(session, meeting)
    before = meeting.state
    target = _require_edge(meeting, action)
    if action is A.SIGN:
        return _sign(session, meeting, actor=actor, target=target, seen_digest=seen_digest)
    reason = normalize_text(reason or "")
    if not reason:
        raise DomainError(_("دلیل بازگرداندن صورتجلسه به نگارش را بنویسید."), field="reason")
    signed = [a.name for a in meeting.attendees if a.signed_at is not None]
    for attendee in meeting.attendees:
        attendee.signed_at = attendee.signed_digest = None
    meeting.state = target
    session.flush()
    record(session, actor=actor, action=REOPEN_ACTION, object_type="meeting", object_id=meeting.id,
           cycle_id=meeting.cycle_id, province_id=_province_id(meeting), reason=reason,
           changes={"state": [before.value, target.value], "signed_by": [signed, None]})
    return meeting


def _lock(session: Session, meeting: Meeting) -> None:
    """Take the meeting row's lock (PostgreSQL: FOR UPDATE) and reload its state and attendees, so two attendees
    signing at once sign one after the other and the last one sees every other signature."""
    session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    session.refresh(meeting, ["state", "sealed_at", "content_digest"])
    session.scalars(select(MeetingAttendee).where(MeetingAttendee.meeting_id == meeting.id)
                    .execution_options(populate_existing=True)).all()


def _sign(session: Session, meeting: Meeting, *, actor: User, target: MeetingState, seen_digest: str | None) -> Meeting:
    attendee = next(a for a in meeting.attendees if a.user_id == actor.id)
    if attendee.signed_at is not None:
        raise InvalidTransition(_("شما این صورتجلسه را پیش‌تر امضا کرده‌اید."))
    if not meeting.decisions and is_group(meeting):
        raise InvalidTransition(_("صورتجلسهٔ بدون مصوبه امضا نمی‌شود؛ رئیس کارگروه باید مصوبه‌ها را ثبت کند."))
    if not meeting.decisions:
        raise InvalidTransition(_("صورتجلسهٔ بدون مصوبه امضا نمی‌شود؛ رئیس کمیته باید مصوبه‌ها را ثبت کند."))
    current = content_digest(meeting)
    if seen_digest is not None and seen_digest != current:
        raise InvalidTransition(_("صورتجلسه پس از باز کردن این صفحه تغییر کرده است؛ آن را دوباره بخوانید و سپس "
                                  "امضا کنید."))
    now = clock.now()
    attendee.signed_at, attendee.signed_digest = now, current
    before = meeting.state
    meeting.state = target
    session.flush()
    record(session, actor=actor, action=SIGN_ACTION, object_type="meeting", object_id=meeting.id,
           cycle_id=meeting.cycle_id, province_id=_province_id(meeting),
           changes={"signed_digest": [None, current], "state": [before.value, target.value]}
           if before is not target else {"signed_digest": [None, current]})
    if all(a.signed_at is not None for a in meeting.attendees):
        meeting.state = S.SEALED
        meeting.sealed_at, meeting.content_digest = now, current
        session.flush()
        record(session, actor=actor, action=SEAL_ACTION, object_type="meeting", object_id=meeting.id,
               cycle_id=meeting.cycle_id, province_id=_province_id(meeting),
               changes={"content_digest": [None, current], "state": [target.value, S.SEALED.value]})
    return meeting


def signed_count(meeting: Meeting) -> int:
    return sum(1 for a in meeting.attendees if a.signed_at is not None)

