"""Ties, the two-person finalisation of a category, its tamper-evident digest, and verification.

The winners chair proposes a category's result; an organizer who is not the proposer confirms it. Confirming
recomputes the result from the scores under a lock on the category row, refuses if it differs from what was
proposed, then freezes it: awards with serials and tokens, nominations awarded or not selected, and a SHA-256
digest of a canonical JSON of the result. The proposal's own digest (the same JSON without serials) is kept in
its audit event, which the database keeps append-only. Functions are keyword-only, flush but never commit.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import clock, i18n, permissions
from awards.audit.services import chain_head, record, record_many
from awards.enums import NominationAction, NominationState, Phase
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.evaluation.scoring import CategoryResult, round2, round2_or_none
from awards.guards import assert_category_open, lock_category
from awards.minutes_gate import require_sealed_ranking
from awards.models import AuditEvent, Award, Category, Cycle, Nomination, TieResolution, User
from awards.nominations.services import transition_many
from awards.persian import normalize_text
from awards.results.cache import cache_options
from awards.results.queries import CategoryResults, load_category, load_results
from awards.results.signoff import require_signoffs

FINAL_MESSAGE = "نتایج این رشته نهایی شده است"
PROPOSE_ACTION = "results.propose"
CONFIRM_ACTION = "results.confirm"
TIE_ACTION = "results.resolve_tie"


# ---------------------------------------------------------------------------------------------------------------
# The canonical result and its digest
# ---------------------------------------------------------------------------------------------------------------


#: Letters and digits only: a printed verification address may wrap before its token but never inside it (a "-"
#: or "_" would offer the line breaker a place to split it).
TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"  # noqa: S105 (an alphabet, not a secret)
TOKEN_LENGTH = 24  # 24 letters from 57: about 140 random bits


def verification_token() -> str:
    """A fresh certificate verification token: letters and digits without look-alikes (0/O, 1/l/I)."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(round2(value))


def result_payload(*, cycle_year: int, category_code: str, result: CategoryResult,
                   serials: Mapping[int, str] | None = None,
                   overrides: Mapping[int, Mapping[str, Any]] | None = None,
                   audit_head: tuple[int | None, str] | None = None) -> dict[str, Any]:
    """Return the canonical description of a result that the digest seals.

    Cycle year, category code, each ranked nomination (id, F, each C_K raw and normalised, rank, tier, serial),
    then the ids of incomplete and of ineligible nominations. ``overrides`` replaces fields of ranked entries
    (verification uses it to seal what the award rows say). ``audit_head`` (event id, hash), given for a final
    result, seals the audit chain up to that event as well; results sealed before the chain existed have none.
    """
    ranked = []
    for nominee in result.ranked:
        committees: dict[str, dict[str, str | None]] = {}
        for code, cs in nominee.committees.items():
            entry = {"raw": _money(cs.raw)}
            if cs.normalising:
                entry["normalised"] = _money(cs.normalised)
            committees[str(code)] = entry
        item = {
            "nomination_id": nominee.id,
            "final_score": _money(nominee.final),
            "committees": committees,
            "rank": nominee.rank,
            "tier": nominee.tier.value if nominee.tier else None,
            "serial": (serials or {}).get(nominee.id),
        }
        item.update((overrides or {}).get(nominee.id, {}))
        ranked.append(item)
    payload = {
        "cycle": cycle_year,
        "category": category_code,
        "ranked": ranked,
        "incomplete": sorted(n.id for n in result.nominees if n.is_incomplete),
        "ineligible": sorted(n.id for n in result.nominees if n.ineligible),
    }
    if audit_head is not None:
        payload["audit_head"] = {"event": audit_head[0], "hash": audit_head[1]}
    return payload


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same result always gives the same bytes."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(payload: Mapping[str, Any]) -> str:
    """SHA-256, hex, of the canonical JSON of ``payload``."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def _payload(data: CategoryResults, serials: Mapping[int, str] | None = None,
             overrides: Mapping[int, Mapping[str, Any]] | None = None,
             audit_head: tuple[int | None, str] | None = None) -> dict[str, Any]:
    category = data.category
    return result_payload(cycle_year=category.cycle.year, category_code=category.code, result=data.result,
                          serials=serials, overrides=overrides, audit_head=audit_head)


def sealed_audit_head(category: Category) -> tuple[int | None, str] | None:
    """The audit chain head a final category's digest seals, or None (sealed before the chain existed)."""
    return None if category.audit_head_hash is None else (category.audit_head_event_id, category.audit_head_hash)


def serial_for(category: Category, sequence: int) -> str:
    """``<year>-<CATEGORY CODE>-<NNN>``: unique in the cycle because category codes are."""
    return f"{category.cycle.year}-{category.code.upper()}-{sequence:03d}"


def _phase(category: Category) -> Phase:
    return category.cycle.phase_at(clock.now())


def _require_results_phase(category: Category) -> None:
    if _phase(category) is not Phase.RESULTS:
        raise PhaseClosed(_("این کار فقط پس از پایان ارزیابی و پیش از موعد نهایی‌شدن نتایج ممکن است."))


def _tie_names(data: CategoryResults, ids) -> str:
    return i18n.join(f"«{data.nominees[i].name}»" for i in ids)


# ---------------------------------------------------------------------------------------------------------------
# Ties
# ---------------------------------------------------------------------------------------------------------------


def resolve_tie(session: Session, *, category: Category, actor: User, ordered_nomination_ids: list[int],
                justification: str) -> TieResolution:
    """Record the winners chair's ordering of nominations tied on F and on the winners score.

    Only for a set of nominations that is tied right now, in full; the latest ordering of exactly that set
    applies from then on. Audited with the justification.
    """
    if not permissions.can_propose_results(actor, category):
        raise PermissionDenied(_("ترتیب نامزدهای هم‌امتیاز را فقط رئیس کمیتهٔ برگزیدگان تعیین می‌کند."))
    category = assert_category_open(session, category=category)
    _require_results_phase(category)
    justification = normalize_text(justification or "")
    if not justification:
        raise DomainError(_("دلیل این ترتیب را بنویسید."), field="justification")
    ids = [int(i) for i in ordered_nomination_ids]
    if len(set(ids)) != len(ids):
        raise DomainError(_("هر نامزد باید فقط یک‌بار در این ترتیب بیاید."), field="positions")
    data = load_results(session, category=category)
    if not any(sorted(tie.nomination_ids) == sorted(ids) for tie in data.result.ties):
        raise DomainError(_("این نامزدها اکنون با هم هم‌امتیاز نیستند؛ صفحه را دوباره باز کنید."), field="positions")
    resolution = TieResolution(category_id=category.id, ordered_nomination_ids=ids, justification=justification,
                               decided_by_id=actor.id, decided_at=clock.now())
    session.add(resolution)
    session.flush()
    record(session, actor=actor, action=TIE_ACTION, object_type="category", object_id=category.id,
           cycle_id=category.cycle_id, changes={"order": [None, ids]}, reason=justification)
    return resolution


# ---------------------------------------------------------------------------------------------------------------
# Propose and confirm
# ---------------------------------------------------------------------------------------------------------------


def propose(session: Session, *, category: Category, actor: User) -> CategoryResults:
    """The winners chair proposes the category's result after evaluation closes.

    Refused while a tie that decides a tier (or the rank of an award holder) is unresolved, while a committee
    entering F has not signed off its current scoring (:func:`awards.results.signoff.require_signoffs`), and
    without sealed minutes of the winners committee ranking this very result (``awards.minutes_gate``). Side effects:
    shortlists (SHORTLIST transition) every nomination that gets a tier, sets ``proposed_by/at`` and records
    the proposal's digest in its audit event. Proposing again replaces the proposal.
    """
    if not permissions.can_propose_results(actor, category):
        raise PermissionDenied(_("پیشنهاد نتیجه فقط از رئیس کمیتهٔ برگزیدگان ساخته است."))
    category = assert_category_open(session, category=category)
    _require_results_phase(category)
    data = load_results(session, category=category)
    if blocking := data.result.blocking_ties:
        groups = ("؛ " if i18n.persian_ui() else "; ").join(_tie_names(data, tie.nomination_ids) for tie in blocking)
        raise DomainError(_("پیش از پیشنهاد، ترتیب نامزدهای هم‌امتیاز را تعیین کنید: %(groups)s.", groups=groups))
    require_signoffs(session, data=data)
    proposal = digest(_payload(data))
    require_sealed_ranking(session, category=category, result_digest=proposal)
    nominations = {n.id: n for n in session.scalars(
        select(Nomination).where(Nomination.id.in_([n.id for n in data.result.ranked if n.tier]))
    )}
    transition_many(session, actor=actor, execution_options=cache_options(category), moves=[
        (nominations[nominee.id], NominationAction.SHORTLIST) for nominee in data.result.ranked
        if nominee.tier and nominations[nominee.id].state == NominationState.IN_EVALUATION])
    before = category.proposed_at
    category.proposed_by_id = actor.id
    category.proposed_at = clock.now()
    session.flush()
    record(session, actor=actor, action=PROPOSE_ACTION, object_type="category", object_id=category.id,
           cycle_id=category.cycle_id,
           changes={"proposal_digest": [None, proposal], "proposed_at": [before, category.proposed_at],
                    "tiers": [None, {str(n.id): n.tier.value for n in data.result.ranked if n.tier}]})
    return data


def proposal_digest(session: Session, *, category: Category) -> str | None:
    """The digest recorded by the latest proposal of this category, from the append-only audit log."""
    changes = session.scalar(
        select(AuditEvent.changes)
        .where(AuditEvent.action == PROPOSE_ACTION, AuditEvent.object_type == "category",
               AuditEvent.object_id == category.id)
        .order_by(AuditEvent.id.desc()).limit(1)
    )
    if not changes or "proposal_digest" not in changes:
        return None
    return changes["proposal_digest"][1]


def _confirmable(session: Session, *, category: Category, actor: User) -> tuple[Category, CategoryResults]:
    """Lock the category and refuse a confirmation that may not happen; return it and its recomputed result."""
    if not permissions.can_confirm_results(actor, category):
        raise PermissionDenied(_("تأیید نهایی نتیجه فقط از دبیرخانه ساخته است."))
    category = lock_category(session, category=category)
    if category.finalised_at is not None:
        raise InvalidTransition(_("نتایج این رشته پیش‌تر نهایی شده است."))
    if category.proposed_at is None:
        raise InvalidTransition(_("هنوز رئیس کمیتهٔ برگزیدگان نتیجه‌ای پیشنهاد نکرده است."))
    if category.proposed_by_id == actor.id:
        raise PermissionDenied(_("پیشنهاددهندهٔ نتیجه نمی‌تواند خودش آن را تأیید کند؛ دبیر دیگری باید تأیید کند."))
    if _phase(category) not in (Phase.RESULTS, Phase.FINAL):
        raise PhaseClosed(_("تأیید نتیجه فقط پس از پایان ارزیابی ممکن است."))
    # Computed afresh, never from the per-process cache: freezing the result is where a change the cache's stamp
    # cannot see (a row edited outside the app) must still be caught.
    data = load_results(session, category=category, fresh=True)
    if digest(_payload(data)) != proposal_digest(session, category=category):
        raise DomainError(_("امتیازها یا داده‌های این رشته پس از پیشنهاد تغییر کرده است؛ "
                          "رئیس کمیتهٔ برگزیدگان باید نتیجه را دوباره پیشنهاد کند."))
    if data.result.blocking_ties:
        raise DomainError(_("ترتیب نامزدهای هم‌امتیاز هنوز تعیین نشده است."))
    return category, data


def _award(*, category: Category, nominee, serial: str, now) -> Award:
    """The award of a tiered nomination."""
    return Award(cycle_id=category.cycle_id, category_id=category.id, nomination_id=nominee.id,
                 tier=nominee.tier, rank=nominee.rank, final_score=round2(nominee.final),
                 serial=serial, token=verification_token(), issued_at=now)


def confirm(session: Session, *, category: Category, actor: User) -> list[Award]:
    """An organizer other than the proposer confirms the proposal and freezes the category.

    Under the category row lock: refuses if already final, if nothing was proposed, if the actor proposed it,
    or if the recomputed result differs from the proposal. Side effects: one award per tiered nomination
    (serial ``<year>-<CODE>-<NNN>`` in rank order, a 24-letter :func:`verification_token`), transitions
    shortlisted -> awarded and the rest -> not selected, ``finalised_by/at``, the audit chain head after those
    transitions and ``result_digest`` over the result and that head; audited.
    """
    category, data = _confirmable(session, category=category, actor=actor)
    now = clock.now()
    tiered = [n for n in data.result.ranked if n.tier]
    serials = {n.id: serial_for(category, i) for i, n in enumerate(tiered, start=1)}
    nominations = {n.id: n for n in session.scalars(
        select(Nomination).where(Nomination.id.in_(list(data.nominees))).order_by(Nomination.id)
    )}
    moves: list[tuple[Nomination, NominationAction]] = []
    for nominee in tiered:  # shortlisted -> awarded, through shortlisted when still in evaluation
        nomination = nominations[nominee.id]
        if nomination.state == NominationState.IN_EVALUATION:
            moves.append((nomination, NominationAction.SHORTLIST))
        moves.append((nomination, NominationAction.AWARD))
    moves += [(nomination, NominationAction.NOT_SELECT) for nomination in nominations.values()
              if nomination.id not in serials
              and nomination.state in (NominationState.IN_EVALUATION, NominationState.SHORTLISTED)]
    # One UPDATE per target state and one bulk audit insert, however many nominations the category has.
    transition_many(session, moves=moves, actor=actor, execution_options=cache_options(category))
    awards = [_award(category=category, nominee=nominee, serial=serials[nominee.id], now=now) for nominee in tiered]
    session.add_all(awards)
    category.finalised_by_id = actor.id
    category.finalised_at = now
    # The head after this confirmation's own transitions: the digest then vouches for every event up to them.
    category.audit_head_event_id, category.audit_head_hash = chain_head(session, lock=True)
    category.result_digest = digest(_payload(data, serials, audit_head=sealed_audit_head(category)))
    session.flush()
    record_many(session, events=[dict(
        actor=actor, action="award.issue", object_type="award", object_id=award.id, cycle_id=category.cycle_id,
        nomination_id=award.nomination_id,
        changes={"serial": [None, award.serial], "tier": [None, award.tier], "rank": [None, award.rank],
                 "final_score": [None, award.final_score]}) for award in awards] + [dict(
        actor=actor, action=CONFIRM_ACTION, object_type="category", object_id=category.id,
        cycle_id=category.cycle_id,
        changes={"result_digest": [None, category.result_digest], "finalised_at": [None, now],
                 "audit_head_hash": [None, category.audit_head_hash]})])
    return awards


# ---------------------------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One way a finalised category no longer matches its sealed result."""

    category: str
    what: str
    stored: Any
    recomputed: Any
    nomination_id: int | None = None

    LABELS = {
        "digest_from_scores": ("چکیدهٔ محاسبه‌شده از امتیازهای کنونی با چکیدهٔ ثبت‌شده یکی نیست",
                               "digest recomputed from the current scores differs from the stored digest"),
        "digest_from_awards": ("چکیدهٔ محاسبه‌شده از ردیف‌های جایزه با چکیدهٔ ثبت‌شده یکی نیست",
                               "digest recomputed from the stored award rows differs from the stored digest"),
        "digest_missing": ("رشته نهایی است ولی چکیده‌ای ثبت نشده است", "final category has no stored digest"),
        "tier": ("سطح جایزه", "award tier"),
        "rank": ("رتبه", "award rank"),
        "final_score": ("امتیاز نهایی", "award final score"),
        "serial": ("شمارهٔ سریال", "award serial"),
        "award_without_tier": ("جایزه برای نامزدی که در محاسبهٔ کنونی سطحی نمی‌گیرد",
                               "award for a nomination that gets no tier now"),
        "tier_without_award": ("نامزدی که سطح می‌گیرد ولی جایزه‌ای ندارد", "tiered nomination without an award"),
        "audit_head": ("رویداد سر زنجیرهٔ ممیزی که در چکیده آمده در دفتر رویدادها دیگر همان نیست",
                       "the audit event sealed as chain head is no longer the same in the audit log"),
    }

    def describe(self) -> str:
        fa, en = self.LABELS.get(self.what, (self.what, self.what))
        where = f" [nomination {self.nomination_id}]" if self.nomination_id is not None else ""
        return f"{self.category}{where}: {fa} / {en}: stored={self.stored} recomputed={self.recomputed}"


def _award_overrides(data: CategoryResults) -> dict[int, dict[str, Any]]:
    return {
        nid: {"tier": award.tier.value if award.tier else None, "rank": award.rank,
              "final_score": _money(award.final_score), "serial": award.serial}
        for nid, award in data.awards.items()
    }


def verify_category(session: Session, *, category: Category) -> list[Difference]:
    """Recompute a final category from current data and from its award rows; list what no longer matches."""
    code = category.code
    data = load_results(session, category=category, fresh=True)
    differences: list[Difference] = []
    if not category.result_digest:
        return [Difference(code, "digest_missing", None, None)]
    serials = {nid: award.serial for nid, award in data.awards.items()}
    head = sealed_audit_head(category)
    from_scores = digest(_payload(data, serials, audit_head=head))
    if from_scores != category.result_digest:
        differences.append(Difference(code, "digest_from_scores", category.result_digest, from_scores))
    from_awards = digest(_payload(data, serials, _award_overrides(data), audit_head=head))
    if from_awards != category.result_digest:
        differences.append(Difference(code, "digest_from_awards", category.result_digest, from_awards))

    tiered = {n.id: n for n in data.result.ranked if n.tier}
    expected_serials = {n.id: serial_for(category, i) for i, n in enumerate(tiered.values(), start=1)}
    for nid, award in data.awards.items():
        nominee = tiered.get(nid)
        if nominee is None:
            differences.append(Difference(code, "award_without_tier", award.serial, None, nid))
            continue
        for what, stored, recomputed in (
            ("tier", award.tier, nominee.tier),
            ("rank", award.rank, nominee.rank),
            ("final_score", round2_or_none(award.final_score), round2(nominee.final)),
            ("serial", award.serial, expected_serials[nid]),
        ):
            if stored != recomputed:
                differences.append(Difference(code, what, str(stored), str(recomputed), nid))
    for nid in tiered:
        if nid not in data.awards:
            differences.append(Difference(code, "tier_without_award", None, expected_serials[nid], nid))
    if head is not None and head[0] is not None:
        in_log = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == head[0]))
        if in_log != head[1]:
            differences.append(Difference(code, "audit_head", head[1], in_log))
    return differences


def verify(session: Session, *, cycle: Cycle) -> list[Difference]:
    """Check every final category of the cycle against its sealed digest and award rows."""
    differences: list[Difference] = []
    for category_id in session.scalars(
        select(Category.id).where(Category.cycle_id == cycle.id, Category.finalised_at.is_not(None))
        .order_by(Category.position, Category.id)
    ):
        differences += verify_category(session, category=load_category(session, category_id))
    return differences

