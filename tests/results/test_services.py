"""Ties, proposal, confirmation, the digest and verification, against the database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from awards import clock
from awards.enums import CommitteeCode, NominationState, Tier
from awards.errors import DomainError, InvalidTransition, PermissionDenied, PhaseClosed
from awards.guards import assert_category_open
from awards.models import AuditEvent, Award, Category, Nomination, TieResolution
from awards.results import services
from awards.results.queries import load_results
from tests.factories import seal_winners_minutes, sign_off_all
from tests.results.conftest import (
    AFTER_EVALUATION,
    AFTER_RESULTS_DATE,
    DURING_EVALUATION,
    SCORING_COMMITTEES,
    add_sheet,
    cluster,
    declare_conflict,
    nomination_named,
    score_plan,
    seat,
    user,
)

CARPET, TILES, SAFFRON = "خوشه فرش دستباف کاشان", "خوشه کاشی و سرامیک میبد", "خوشه زعفران تربت حیدریه"


def _propose(session, actor="winners-chair"):
    sign_off_all(session, cluster(session))
    seal_winners_minutes(session, cluster(session))
    data = services.propose(session, category=cluster(session), actor=user(session, actor))
    session.commit()
    return data


def _confirm(session, actor="admin"):
    awards = services.confirm(session, category=cluster(session), actor=user(session, actor))
    session.commit()
    return awards


# ---------------------------------------------------------------------------------------------------------------
# Computation over the database
# ---------------------------------------------------------------------------------------------------------------


def test_load_results_ranks_demo_cluster(scored, session):
    data = load_results(session, category=cluster(session))
    names = [data.nominees[n.id].name for n in data.result.ranked]
    assert names == [CARPET, TILES, SAFFRON]
    carpet = data.result.ranked[0]
    # media: plain mean of 90, 85, 80 = 85; finance: median = 85.
    assert carpet.committees[CommitteeCode.MEDIA].raw == Decimal(85)
    assert carpet.committees[CommitteeCode.FINANCE].raw == Decimal(85)
    assert [n.tier for n in data.result.ranked] == [Tier.GOLD, Tier.CERTIFICATE, None]  # saffron's F < 55
    assert CommitteeCode.OVERSIGHT not in data.result.committees  # no criteria, weight 0


def test_conflicted_sheet_written_before_declaration_never_counts(scored, session):
    carpet = nomination_named(session, CARPET)
    # media-2 gave 80 before declaring a conflict: the committee mean must use only 90 and 85.
    declare_conflict(session, nomination=carpet, member=user(session, "media-2"))
    session.commit()
    data = load_results(session, category=cluster(session))
    media = data.result.nominee(carpet.id).committees[CommitteeCode.MEDIA]
    assert media.raw == Decimal("87.5")
    assert media.sheets == 2
    assert media.quorum == 2  # default: min(3, the two expected reviewers left)
    assert user(session, "media-2").id not in media.expected


def test_conflict_overridden_counts_again(scored, session):
    carpet = nomination_named(session, CARPET)
    conflict = declare_conflict(session, nomination=carpet, member=user(session, "media-2"))
    conflict.source = "same_province"
    conflict.overridden_at = clock.now()
    conflict.overridden_by_id = user(session, "admin").id
    conflict.override_reason = "بررسی شد"
    session.commit()
    data = load_results(session, category=cluster(session))
    assert data.result.nominee(carpet.id).committees[CommitteeCode.MEDIA].raw == Decimal(85)


def test_draft_sheet_does_not_count_and_is_missing(demo, session):
    clock.freeze(DURING_EVALUATION)
    carpet = nomination_named(session, CARPET)
    add_sheet(session, nomination=carpet, code=CommitteeCode.MEDIA, member=user(session, "media-1"),
              fraction=Decimal("0.5"), state="draft")
    session.commit()
    data = load_results(session, category=cluster(session))
    media = data.result.nominee(carpet.id).committees[CommitteeCode.MEDIA]
    assert media.sheets == 0 and media.raw is None
    assert data.result.nominee(carpet.id).is_incomplete
    assert data.result.stats[CommitteeCode.MEDIA].missing[user(session, "media-1").id] == tuple(
        sorted(data.nominees))


# ---------------------------------------------------------------------------------------------------------------
# Propose
# ---------------------------------------------------------------------------------------------------------------


def test_propose_shortlists_tiered_and_records_digest(scored, session):
    _propose(session)
    category = cluster(session)
    assert category.proposed_by_id == user(session, "winners-chair").id
    states = {n.nominee_name: n.state for n in session.scalars(select(Nomination).where(
        Nomination.category_id == category.id, Nomination.state != NominationState.DRAFT))}
    assert states == {CARPET: NominationState.SHORTLISTED, TILES: NominationState.SHORTLISTED,
                      SAFFRON: NominationState.IN_EVALUATION}
    assert len(services.proposal_digest(session, category=category)) == 64


def test_propose_refused_for_non_chair(scored, session):
    with pytest.raises(PermissionDenied):
        services.propose(session, category=cluster(session), actor=user(session, "winners-1"))
    with pytest.raises(PermissionDenied):
        services.propose(session, category=cluster(session), actor=user(session, "admin"))


def test_propose_refused_before_evaluation_closes(scored, session):
    clock.freeze(DURING_EVALUATION)
    with pytest.raises(PhaseClosed):
        services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))


def test_propose_refused_while_tie_decides_tier(demo, session):
    clock.freeze(DURING_EVALUATION)
    score_plan(session, {CARPET: [Decimal("0.8")] * 3, TILES: [Decimal("0.8")] * 3})
    session.commit()
    clock.freeze(AFTER_EVALUATION)
    with pytest.raises(DomainError, match="هم‌امتیاز"):
        services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))


# ---------------------------------------------------------------------------------------------------------------
# Ties
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def tied(demo, session):
    clock.freeze(DURING_EVALUATION)
    score_plan(session, {CARPET: [Decimal("0.8")] * 3, TILES: [Decimal("0.8")] * 3,
                         SAFFRON: [Decimal("0.6")] * 3})
    session.commit()
    clock.freeze(AFTER_EVALUATION)
    return [nomination_named(session, CARPET).id, nomination_named(session, TILES).id]


def test_tie_is_flagged_and_blocks(tied, session):
    data = load_results(session, category=cluster(session))
    assert [sorted(t.nomination_ids) for t in data.result.ties] == [sorted(tied)]
    assert data.result.blocking_ties


def test_resolve_tie_orders_and_unblocks_proposal(tied, session):
    chair = user(session, "winners-chair")
    services.resolve_tie(session, category=cluster(session), actor=chair,
                         ordered_nomination_ids=[tied[1], tied[0]], justification="صادرات بیشتر در سال گذشته")
    session.commit()
    data = load_results(session, category=cluster(session))
    assert [n.id for n in data.result.ranked][:2] == [tied[1], tied[0]]
    assert [n.rank for n in data.result.ranked] == [1, 2, 3]
    assert data.result.nominee(tied[1]).tier == Tier.GOLD
    _propose(session)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == services.TIE_ACTION))
    assert event.reason == "صادرات بیشتر در سال گذشته"


def test_resolve_tie_requires_justification(tied, session):
    with pytest.raises(DomainError) as info:
        services.resolve_tie(session, category=cluster(session), actor=user(session, "winners-chair"),
                             ordered_nomination_ids=tied, justification="  ")
    assert info.value.field == "justification"


def test_resolve_tie_refuses_nominations_not_tied(tied, session):
    saffron = nomination_named(session, SAFFRON).id
    with pytest.raises(DomainError):
        services.resolve_tie(session, category=cluster(session), actor=user(session, "winners-chair"),
                             ordered_nomination_ids=[tied[0], saffron], justification="دلیل")
    with pytest.raises(DomainError):
        services.resolve_tie(session, category=cluster(session), actor=user(session, "winners-chair"),
                             ordered_nomination_ids=[tied[0], tied[0]], justification="دلیل")
    assert session.scalar(select(func.count()).select_from(TieResolution)) == 0


def test_resolve_tie_refused_for_non_chair(tied, session):
    with pytest.raises(PermissionDenied):
        services.resolve_tie(session, category=cluster(session), actor=user(session, "admin"),
                             ordered_nomination_ids=tied, justification="دلیل")


# ---------------------------------------------------------------------------------------------------------------
# Confirm
# ---------------------------------------------------------------------------------------------------------------


def test_confirm_freezes_awards_states_and_digest(scored, session):
    _propose(session)
    awards = _confirm(session)
    category = cluster(session)
    assert [(a.serial, a.tier, a.rank) for a in awards] == [
        ("1404-CLUSTER-001", Tier.GOLD, 1), ("1404-CLUSTER-002", Tier.CERTIFICATE, 2)]
    assert all(len(a.token) == 24 and a.token.isalnum() for a in awards)
    assert category.finalised_by_id == user(session, "admin").id
    assert len(category.result_digest) == 64
    states = {n.nominee_name: n.state for n in session.scalars(select(Nomination).where(
        Nomination.category_id == category.id, Nomination.state != NominationState.DRAFT))}
    assert states == {CARPET: NominationState.AWARDED, TILES: NominationState.AWARDED,
                      SAFFRON: NominationState.NOT_SELECTED}
    assert services.verify(session, cycle=category.cycle) == []


def test_confirm_digest_matches_canonical_json(scored, session):
    _propose(session)
    _confirm(session)
    category = cluster(session)
    data = load_results(session, category=category)
    payload = services.result_payload(cycle_year=1404, category_code="cluster", result=data.result,
                                      serials={a.nomination_id: a.serial for a in data.awards.values()},
                                      audit_head=(category.audit_head_event_id, category.audit_head_hash))
    assert services.digest(payload) == category.result_digest
    assert payload["audit_head"] == {"event": category.audit_head_event_id, "hash": category.audit_head_hash}
    assert payload["ranked"][0]["serial"] == "1404-CLUSTER-001"
    assert payload["ranked"][0]["final_score"].count(".") == 1
    assert len(payload["ranked"][0]["final_score"].split(".")[1]) == 2
    assert b", " not in services.canonical_json(payload) and b": " not in services.canonical_json(payload)


def test_confirm_refused_without_proposal(scored, session):
    with pytest.raises(InvalidTransition):
        services.confirm(session, category=cluster(session), actor=user(session, "admin"))


def test_confirm_refused_for_the_proposer(scored, session):
    seat(session, username="admin", code=CommitteeCode.WINNERS, chair=True)
    session.commit()
    session.refresh(user(session, "admin"))
    _propose(session, actor="admin")
    with pytest.raises(PermissionDenied, match="پیشنهاددهنده"):
        services.confirm(session, category=cluster(session), actor=user(session, "admin"))
    session.rollback()
    assert cluster(session).finalised_at is None


def test_confirm_refused_for_non_organizer(scored, session):
    _propose(session)
    with pytest.raises(PermissionDenied):
        services.confirm(session, category=cluster(session), actor=user(session, "winners-1"))


def test_confirm_twice_is_refused(scored, session):
    _propose(session)
    _confirm(session)
    with pytest.raises(InvalidTransition):
        services.confirm(session, category=cluster(session), actor=user(session, "admin"))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Award)) == 2


def test_confirm_refused_when_scores_changed_since_proposal(scored, session):
    _propose(session)
    session.execute(text("UPDATE scores SET value = 0 WHERE id = (SELECT MIN(id) FROM scores)"))
    session.commit()
    with pytest.raises(DomainError, match="دوباره پیشنهاد"):
        services.confirm(session, category=cluster(session), actor=user(session, "admin"))


def test_confirm_allowed_after_results_date(scored, session):
    _propose(session)
    clock.freeze(AFTER_RESULTS_DATE)
    assert len(_confirm(session)) == 2


def test_assert_category_open_refuses_after_finalisation(scored, session):
    assert assert_category_open(session, category=cluster(session)).id == cluster(session).id
    _propose(session)
    _confirm(session)
    with pytest.raises(DomainError, match="نتایج این رشته نهایی شده است"):
        assert_category_open(session, category=cluster(session))


def test_resolve_tie_and_propose_refused_after_finalisation(scored, session):
    _propose(session)
    _confirm(session)
    with pytest.raises(DomainError, match="نهایی"):
        services.propose(session, category=cluster(session), actor=user(session, "winners-chair"))


# ---------------------------------------------------------------------------------------------------------------
# Tampering and verification
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def final(scored, session):
    _propose(session)
    _confirm(session)
    return cluster(session)


def test_verify_reports_tampered_award_tier(final, session):
    session.execute(text("UPDATE awards SET tier = 'gold' WHERE serial = '1404-CLUSTER-002'"))
    session.commit()
    differences = services.verify(session, cycle=final.cycle)
    kinds = {d.what for d in differences}
    assert kinds == {"digest_from_awards", "tier"}
    assert all("cluster" in d.describe() for d in differences)


def test_verify_reports_tampered_score(final, session):
    session.execute(text("UPDATE scores SET value = 0 WHERE id = (SELECT MIN(id) FROM scores)"))
    session.commit()
    differences = services.verify(session, cycle=final.cycle)
    assert "digest_from_scores" in {d.what for d in differences}


def test_verify_reports_tampered_final_score_and_serial(final, session):
    session.execute(text("UPDATE awards SET final_score = 99.99, serial = '1404-CLUSTER-009' "
                         "WHERE serial = '1404-CLUSTER-001'"))
    session.commit()
    kinds = {d.what for d in services.verify(session, cycle=final.cycle)}
    assert {"digest_from_awards", "digest_from_scores", "final_score", "serial"} <= kinds


def test_verify_reports_deleted_award(final, session):
    session.execute(text("DELETE FROM awards WHERE serial = '1404-CLUSTER-002'"))
    session.commit()
    assert "tier_without_award" in {d.what for d in services.verify(session, cycle=final.cycle)}


def test_verify_reports_sheet_added_after_finalisation(final, session):
    # A sheet slipped in past the guard (directly in the database) changes the recomputed result.
    saffron = nomination_named(session, SAFFRON)
    session.execute(text("DELETE FROM score_sheets WHERE nomination_id = :n AND committee_id = "
                         "(SELECT id FROM committees WHERE code = 'media') AND member_id = :m"),
                    {"n": saffron.id, "m": user(session, "media-2").id})
    session.commit()
    add_sheet(session, nomination=saffron, code=CommitteeCode.MEDIA, member=user(session, "media-2"),
              fraction=Decimal(1))
    session.commit()
    assert services.verify(session, cycle=final.cycle) != []


def test_verify_of_untouched_cycle_is_empty(final, session):
    assert services.verify(session, cycle=final.cycle) == []
    assert session.scalar(select(func.count()).select_from(Category).where(Category.finalised_at.is_not(None))) == 1


def test_every_scoring_committee_enters_columns(scored, session):
    data = load_results(session, category=cluster(session))
    assert data.result.committees == SCORING_COMMITTEES
