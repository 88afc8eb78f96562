"""Small factories: the fewest rows a test needs (a cycle, a category, a user, a nomination), where the whole demo
would be more than the test is about.

They insert rows directly (no phase, quota or permission checks) and flush; the caller commits if requests must
see them. Reference data (provinces, committees) comes from the migrations, as in every test database.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from awards import clock
from awards.auth.services import create_user
from awards.demo import jalali_moment
from awards.demo import seal_budget_minutes as _seal_budget_minutes
from awards.demo import seal_winners_minutes as _seal_winners_minutes
from awards.enums import BudgetLineKind, BudgetState, CommitteeCode, NominationState, NomineeKind, SignoffState, Tier
from awards.models import (
    Budget,
    BudgetLine,
    Category,
    Committee,
    CommitteeSignoff,
    Criterion,
    Cycle,
    Meeting,
    Membership,
    Nomination,
    Province,
    User,
)
from awards.persian import TEHRAN
from awards.results import signoff
from awards.results.queries import load_results

PASSWORD = "factory-pass-1404"
_serial = itertools.count(1)


def make_cycle(session: Session, *, year: int = 1404, **fields) -> Cycle:
    """A cycle whose phases fall where the demo's do, shifted to ``year`` (nominations open from Esfand)."""
    values = {
        "title": f"روز ملی صنعت و معدن {year}",
        "nominations_open_at": jalali_moment(year - 1, 12, 1),
        "nominations_close_at": jalali_moment(year, 2, 31, 23, 59),
        "screening_close_at": jalali_moment(year, 3, 15, 23, 59),
        "evaluation_close_at": jalali_moment(year, 3, 31, 23, 59),
        "results_final_at": jalali_moment(year, 4, 5, 12, 0),
        "ceremony_at": jalali_moment(year, 4, 10, 10, 0),
        **fields,
    }
    cycle = Cycle(year=year, **values)
    session.add(cycle)
    session.flush()
    return cycle


def make_category(session: Session, cycle: Cycle, *, code: str | None = None,
                  kind: NomineeKind = NomineeKind.LEGAL_ENTITY, **fields) -> Category:
    """A category without committees or criteria (add those with :func:`make_criterion`)."""
    number = next(_serial)
    category = Category(cycle_id=cycle.id, code=code or f"cat{number}", title=fields.pop("title", f"رشته {number}"),
                        nominee_kind=kind, position=number, **fields)
    session.add(category)
    session.flush()
    return category


def committee(session: Session, code: CommitteeCode = CommitteeCode.WINNERS) -> Committee:
    return session.scalar(select(Committee).where(Committee.code == code))


def province(session: Session, iso: str = "IR-07") -> Province:
    return session.scalar(select(Province).where(Province.iso_code == iso))


def make_criterion(session: Session, category: Category, *, committee_code: CommitteeCode = CommitteeCode.WINNERS,
                   max_points: str = "20", weight: str = "1") -> Criterion:
    number = next(_serial)
    criterion = Criterion(category_id=category.id, committee_id=committee(session, committee_code).id,
                          title=f"معیار {number}", max_points=Decimal(max_points), weight=Decimal(weight),
                          position=number)
    session.add(criterion)
    session.flush()
    return criterion


def make_user(session: Session, *, username: str | None = None, province_iso: str | None = None,
              organizer: bool = False, password: str = PASSWORD) -> User:
    """An account through the real service (so it can sign in with ``password``); a province officer when
    ``province_iso`` is given."""
    number = next(_serial)
    return create_user(session, username=username or f"user{number}", password=password,
                       full_name=f"کاربر آزمایشی {number}", is_organizer=organizer,
                       province=province(session, province_iso) if province_iso else None)


def make_nomination(session: Session, category: Category, *, province_iso: str = "IR-07",
                    state: NominationState = NominationState.DRAFT, **fields) -> Nomination:
    """A dossier in ``state`` with only the required columns (plus ``fields``)."""
    number = next(_serial)
    nomination = Nomination(cycle_id=category.cycle_id, category_id=category.id,
                            province_id=province(session, province_iso).id, state=state,
                            nominee_name=fields.pop("nominee_name", f"شرکت آزمایشی {number}"), **fields)
    session.add(nomination)
    session.flush()
    return nomination


def sign_off_all(session: Session, category: Category) -> list[CommitteeSignoff]:
    """Every committee entering the category's final score whose sign-off is not current signs off, by its chair.

    Unlike the factories above this goes through the service (``awards.results.signoff``), so it needs what a
    chair needs: the clock in the results phase and a chair seated on each such committee. Committees already
    signed are left alone, so calling it again (say, after a sheet was reopened and resubmitted) is harmless.
    """
    data = load_results(session, category=category)
    required = [s.code for s in signoff.statuses(session, data=data)
                if s.required and s.state is not SignoffState.SIGNED]
    rows = []
    for committee_row in session.scalars(select(Committee).where(Committee.code.in_(required))
                                         .order_by(Committee.position)):
        chair = session.scalar(select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.cycle_id == category.cycle_id, Membership.committee_id == committee_row.id,
            Membership.is_chair.is_(True)).execution_options(populate_existing=True))  # seats added since
        rows.append(signoff.sign_off(session, category=category, committee=committee_row, actor=chair))
    return rows


def approved_budget(session: Session, cycle: Cycle, *, tiers: tuple[Tier, ...] = tuple(Tier),
                    unit_cost: int = 1_000_000) -> Budget:
    """An approved award budget for ``cycle`` with a per-award line for each of ``tiers``, so certificates of those
    tiers may print (approved by a fresh account standing for the finance chair; the total is not recomputed)."""
    approver = make_user(session)
    now = clock.now()
    budget = Budget(cycle_id=cycle.id, state=BudgetState.APPROVED, submitted_by_id=approver.id, submitted_at=now,
                    approved_by_id=approver.id, approved_at=now, approved_total=0,
                    lines=[BudgetLine(kind=BudgetLineKind.PER_AWARD, tier=tier, label="لوح", unit_cost=unit_cost,
                                      position=position) for position, tier in enumerate(tiers)])
    session.add(budget)
    session.flush()
    return budget


def seal_winners_minutes(session: Session, category: Category) -> Meeting:
    """Sealed minutes of the winners committee ranking ``category``'s current result, as a proposal needs: held
    today with every seated member present, recorded by the chair and signed by each (through the services)."""
    return _seal_winners_minutes(session, cycle=category.cycle, categories=[category],
                                 held_on=clock.now().astimezone(TEHRAN).date())


def seal_finance_minutes(session: Session, cycle: Cycle, amount: int) -> Meeting:
    """Sealed minutes of the finance committee approving a budget of ``amount`` rials, as the budget's approval
    needs: held today with every seated member present, recorded by the chair and signed by each (services)."""
    return _seal_budget_minutes(session, cycle=cycle, amount=amount, held_on=clock.now().astimezone(TEHRAN).date())
