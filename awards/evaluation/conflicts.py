"""Conflicts of interest between committee members and nominations: the rule flags, and who is conflicted.

A low part of the evaluation package (models, audit and text only) that nominations and admin call too. Rule
flags are raised when the facts they read change, never when a page is read:

- a nomination enters evaluation (:func:`flag_conflicts_for_nomination`),
- a member is seated or their organisation changes (:func:`flag_conflicts_for_member`),
- the same-province rule is switched on for a cycle (:func:`flag_conflicts`, with that rule only).

Each call reads its candidates in two queries (the members, the nominations, each narrowed to what changed),
matches them on a key in memory (no nomination × member loop), and adds the missing flags in one insert that
skips those already there, then audits them in one batch. Flags are idempotent: a flag once added is kept (an
organizer may override it), and turning a rule off later does not remove the flags it made.
"""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from awards.audit.services import record_many
from awards.db import CHANGES_NOMINATIONS, utcnow
from awards.enums import ConflictSource, NominationState
from awards.models import Category, Conflict, Cycle, Membership, Nomination, ProvincialGroup, ProvincialSeat, User
from awards.persian import normalize_search

#: Nominations the conflict rules look at: those still being evaluated or ranked.
FLAGGED_STATES = frozenset({NominationState.IN_EVALUATION, NominationState.SHORTLISTED})
RULE_SOURCES = (ConflictSource.SAME_ORGANISATION, ConflictSource.SAME_PROVINCE)
RULE_REASONS = {
    ConflictSource.SAME_ORGANISATION: "سازمان عضو با نام نامزد یکی است.",
    ConflictSource.SAME_PROVINCE: "عضو کارشناس همان استانی است که نامزد را معرفی کرده است.",
}

_PUNCTUATION = re.compile(r"[\s\u200c()\[\]{}«»\"'.,،؛;:\-_/\\]+")
_LEGAL_FORMS = ("سهامی خاص", "سهامی عام", "با مسئولیت محدود", "شرکت")
_CONFLICTS = Conflict.__table__
_INSERT_BATCH = 1000


def organisation_key(text: str | None) -> str:
    """Reduce an organisation or nominee name to a comparison key.

    Same-organisation rule: two names match when their keys are equal and not empty. The key is the search
    form (Persian ی/ک, Latin digits, casefolded, ZWNJ removed), without the legal-form words «شرکت»,
    «سهامی خاص», «سهامی عام» and «با مسئولیت محدود», and without spaces or punctuation; so «شرکت فولاد
    سپاهان‌نوین (سهامی خاص)» and «فولاد سپاهان نوین» match, while «فولاد سپاهان» does not.
    """
    key = normalize_search(text or "")
    for words in _LEGAL_FORMS:
        key = key.replace(words, " ")
    return _PUNCTUATION.sub("", key)


def active_conflict(session: Session, *, nomination_id: int, user_id: int) -> Conflict | None:
    """Return an active conflict (declared, or a rule flag not overridden) of the user with the nomination."""
    return session.scalar(
        select(Conflict).where(Conflict.nomination_id == nomination_id, Conflict.user_id == user_id,
                               Conflict.overridden_at.is_(None)).limit(1)
    )


def conflicted_pairs(session: Session, *, nomination_ids: list[int]) -> set[tuple[int, int]]:
    """Return the (nomination id, user id) pairs with an active conflict, in one query."""
    if not nomination_ids:
        return set()
    return set(session.execute(
        select(Conflict.nomination_id, Conflict.user_id)
        .where(Conflict.nomination_id.in_(nomination_ids), Conflict.overridden_at.is_(None))
    ).all())


# --------------------------------------------------------------------------------------------------------------
# Rule flags
# --------------------------------------------------------------------------------------------------------------


def flag_conflicts_for_nomination(session: Session, *, nomination: Nomination) -> int:
    """Raise the rule flags of one nomination (it has just entered evaluation) against the cycle's members."""
    return flag_conflicts(session, cycle=nomination.cycle, nomination_id=nomination.id)


def flag_conflicts_for_member(session: Session, *, cycle: Cycle, user: User) -> int:
    """Raise the rule flags of one member of ``cycle`` (just seated, or their organisation changed)."""
    return flag_conflicts(session, cycle=cycle, user_id=user.id)


def flag_conflicts(session: Session, *, cycle: Cycle, nomination_id: int | None = None, user_id: int | None = None,
                   sources: tuple[ConflictSource, ...] = RULE_SOURCES) -> int:
    """Add the missing rule flags of ``cycle``, narrowed to one nomination, one member or some rules; return
    how many were added. Idempotent.

    Rules: a member whose organisation matches the nominee's name (see :func:`organisation_key`); and, when the
    cycle enables it, a member whose own province (members who are also province officers) is the nominee's.
    Only nominations being evaluated or ranked in categories not yet final are looked at.
    """
    if not cycle.conflict_same_province:
        sources = tuple(s for s in sources if s is not ConflictSource.SAME_PROVINCE)
    if not sources:
        return 0
    members = select(User.id, User.organisation, User.province_id).join(
        Membership, Membership.user_id == User.id).where(Membership.cycle_id == cycle.id).distinct()
    if user_id is not None:
        members = members.where(User.id == user_id)
    by_key: dict[tuple[ConflictSource, object], list[int]] = defaultdict(list)
    for member_id, organisation, province_id in session.execute(members):
        if ConflictSource.SAME_ORGANISATION in sources and (key := organisation_key(organisation)):
            by_key[ConflictSource.SAME_ORGANISATION, key].append(member_id)
        if ConflictSource.SAME_PROVINCE in sources and province_id is not None:
            by_key[ConflictSource.SAME_PROVINCE, province_id].append(member_id)
    if not by_key:
        return 0
    nominations = (
        select(Nomination.id, Nomination.nominee_name, Nomination.province_id)
        .join(Category, Category.id == Nomination.category_id)
        .where(Nomination.cycle_id == cycle.id, Nomination.state.in_(FLAGGED_STATES),
               Category.finalised_at.is_(None))
    )
    if nomination_id is not None:
        nominations = nominations.where(Nomination.id == nomination_id)
    wanted: list[tuple[int, int, ConflictSource]] = []
    for nominee_id, nominee_name, province_id in session.execute(nominations):
        facts = {ConflictSource.SAME_ORGANISATION: organisation_key(nominee_name),
                 ConflictSource.SAME_PROVINCE: province_id}
        for source in sources:
            wanted.extend((nominee_id, member_id, source) for member_id in by_key.get((source, facts[source]), ()))
    added = _insert_missing(session, sorted(set(wanted)))
    record_many(session, events=[dict(
        actor=None, action="conflict.flag", object_type="conflict", object_id=conflict_id,
        nomination_id=nominee_id, cycle_id=cycle.id, reason=RULE_REASONS[source],
        changes={"user_id": [None, member_id], "source": [None, source]},
    ) for conflict_id, nominee_id, member_id, source in added])
    return len(added)


def _insert_missing(session: Session, wanted: list[tuple[int, int, ConflictSource]]) -> list[tuple]:
    """Insert the flags not there yet in one statement; return (id, nomination, user, source) of those added.

    The unique key (nomination, user, source) decides: a flag already there, overridden or not, or one a racing
    request adds first, is skipped by ``ON CONFLICT DO NOTHING`` instead of failing the transaction.
    """
    if not wanted:
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    now = utcnow()
    added: list[tuple] = []
    for start in range(0, len(wanted), _INSERT_BATCH):  # one statement below the backends' parameter limits
        batch = wanted[start:start + _INSERT_BATCH]
        statement = (
            dialect.insert(_CONFLICTS)
            .values([{"nomination_id": n, "user_id": u, "source": s, "reason": RULE_REASONS[s], "created_at": now}
                     for n, u, s in batch])
            .on_conflict_do_nothing(index_elements=["nomination_id", "user_id", "source"])
            .returning(_CONFLICTS.c.id, _CONFLICTS.c.nomination_id, _CONFLICTS.c.user_id, _CONFLICTS.c.source)
            .execution_options(**{CHANGES_NOMINATIONS: tuple(sorted({n for n, _u, _s in batch}))})
        )
        added.extend(tuple(row) for row in session.execute(statement))
    return sorted(added)


# --------------------------------------------------------------------------------------------------------------
# The provincial round: the same-organisation rule between a working group's members and its province's dossiers
# --------------------------------------------------------------------------------------------------------------

#: Dossiers a province's working group scores.
PROVINCIAL_FLAGGED_STATES = frozenset({NominationState.SUBMITTED})


def flag_provincial_conflicts(session: Session, *, cycle: Cycle, province_id: int,
                              nomination_id: int | None = None, user_id: int | None = None) -> int:
    """Add the missing same-organisation flags between the province's working-group members (the organisation of
    their seat, and that of their account) and its submitted dossiers, narrowed to one dossier or one member.

    Flags land in the same table as the national ones, so declarations, overrides and the scoring input treat
    both rounds alike. The same-province rule has no sense here: the group is the province's own.
    """
    members = (select(ProvincialSeat.user_id, ProvincialSeat.organisation, User.organisation)
               .join(ProvincialGroup, ProvincialGroup.id == ProvincialSeat.group_id)
               .join(User, User.id == ProvincialSeat.user_id)
               .where(ProvincialGroup.cycle_id == cycle.id, ProvincialGroup.province_id == province_id))
    if user_id is not None:
        members = members.where(ProvincialSeat.user_id == user_id)
    by_key: dict[str, set[int]] = defaultdict(set)
    for member_id, seat_organisation, account_organisation in session.execute(members):
        for organisation in (seat_organisation, account_organisation):
            if key := organisation_key(organisation):
                by_key[key].add(member_id)
    if not by_key:
        return 0
    nominations = select(Nomination.id, Nomination.nominee_name).where(
        Nomination.cycle_id == cycle.id, Nomination.province_id == province_id,
        Nomination.state.in_(PROVINCIAL_FLAGGED_STATES))
    if nomination_id is not None:
        nominations = nominations.where(Nomination.id == nomination_id)
    source = ConflictSource.SAME_ORGANISATION
    wanted = sorted({(nominee_id, member_id, source)
                     for nominee_id, nominee_name in session.execute(nominations)
                     for member_id in by_key.get(organisation_key(nominee_name), ())})
    added = _insert_missing(session, wanted)
    record_many(session, events=[dict(
        actor=None, action="conflict.flag", object_type="conflict", object_id=conflict_id,
        nomination_id=nominee_id, cycle_id=cycle.id, province_id=province_id, reason=RULE_REASONS[flag_source],
        changes={"user_id": [None, member_id], "source": [None, flag_source]},
    ) for conflict_id, nominee_id, member_id, flag_source in added])
    return len(added)
