"""The computed result of a category, cached per process and keyed by the category's ``results_version``.

Why this design: computing a large category's result is mostly fetching its sheets (tens of thousands of score
rows at 13,000 nominations), so a cache is only worth having if checking it costs far less than the fetch. A
content fingerprint in SQL would have to read the same rows; counts and maxima can miss an edit. Instead every
flush that changes an input of a result replaces the category's ``results_version`` with a fresh random stamp,
in the same transaction (:func:`_after_flush`, :func:`_on_execute`). Writers of sheets, conflicts and the rubric
already hold the category row's lock (``guards.assert_category_open``), so the stamp adds no new contention. A
read fetches the stamp (one small query) and reuses the result computed for it in this process; a GET never
writes, and each worker fills its own cache. Random stamps rather than a counter: a stamp from a transaction
that rolled back, or of a deleted category whose id is reused, never comes back.

The inputs: the category's committee settings and criteria, its pool of nominations (state, name, province,
reason), their submitted sheets and scores, conflicts and assignments, the cycle's memberships and members'
names, committee and province names, tie orderings, and for criteria computed from indicators their bands, the
cycle's indicators and the verified figures. ORM changes are mapped to their category; a bulk
statement on an input table stamps the categories named in its ``results_categories`` execution option
(:func:`cache_options`), or every category when it names none.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect, or_, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from awards.db import CHANGES_NOMINATIONS, RESULTS_UNCHANGED
from awards.models import (
    Assignment,
    Category,
    CategoryCommittee,
    Committee,
    Conflict,
    Criterion,
    CriterionBand,
    Indicator,
    IndicatorValue,
    Membership,
    Nomination,
    Province,
    Score,
    ScoreSheet,
    TieResolution,
    User,
)
from awards.models.category import new_results_version
from awards.nominations.states import same_results_role
from awards.permissions import EVALUATED_STATES

#: Tables whose rows feed a category's result.
INPUT_TABLES = frozenset(model.__table__.name for model in (
    Assignment, CategoryCommittee, Committee, Conflict, Criterion, Membership, Nomination, Province, Score,
    ScoreSheet, TieResolution, User, CriterionBand, Indicator, IndicatorValue))
#: Attributes of a row that a result reads (a change to another one, e.g. a login time, leaves results alone).
#: A nomination's name, province and state are read afresh on every load (``queries._nominee_rows``): only its
#: category, its reason for being ineligible and a move into or out of the pool or of ineligibility count.
_READ = {
    Nomination: ("category_id", "ineligible_reason"),
    User: ("full_name",),
    Committee: ("code", "name_fa", "position"),
    Province: ("name_fa",),
    # Only the verified figure scores: a declared figure or its year changing leaves results alone.
    IndicatorValue: ("verified_value",),
}
#: How many computed results one process keeps (more than a cycle has categories).
CAPACITY = 24
#: How many small values derived from a result (a sign-off's digests) one process keeps. They have a store of
#: their own: sharing the results' store, a cycle's 17 results and 17 digests did not fit in 24 places, and a
#: pass over every category evicted each entry just before it was wanted again (every load recomputed).
SMALL_CAPACITY = 256
OPTION = "results_categories"


def cache_options(category: Category) -> dict[str, Any]:
    """Execution options for a bulk statement that changes inputs of ``category`` only."""
    return {OPTION: (category.id,)}


class _Stamps:
    """What one flush or statement touched, resolved to categories when it is applied."""

    def __init__(self) -> None:
        self.categories: set[int] = set()
        self.nominations: set[int] = set()
        self.sheets: set[int] = set()
        self.cycles: set[int] = set()
        self.criteria: set[int] = set()
        self.everything = False

    def add(self, obj: Any) -> None:
        if isinstance(obj, Criterion | CategoryCommittee | TieResolution):
            self.categories.add(obj.category_id)
        elif isinstance(obj, Nomination):
            history = inspect(obj).attrs
            self.categories.update(c for c in chain([obj.category_id], history.category_id.history.deleted or ())
                                   if c is not None)
        elif isinstance(obj, ScoreSheet | Conflict | Assignment | IndicatorValue):
            self.nominations.add(obj.nomination_id)
        elif isinstance(obj, Score):
            self.sheets.add(obj.sheet_id)
        elif isinstance(obj, Membership | Indicator):
            self.cycles.add(obj.cycle_id)
        elif isinstance(obj, CriterionBand):
            self.criteria.add(obj.criterion_id)
        elif isinstance(obj, User | Committee | Province):
            self.everything = True

    def statement(self) -> Any | None:
        """The UPDATE giving the touched categories a fresh stamp, or None when nothing was touched."""
        stamp = update(Category).values(results_version=new_results_version())
        if self.everything:
            return stamp
        where = []
        if self.categories:
            where.append(Category.id.in_(sorted(self.categories)))
        if self.nominations:
            where.append(Category.id.in_(select(Nomination.category_id)
                                         .where(Nomination.id.in_(sorted(self.nominations)))))
        if self.sheets:
            where.append(Category.id.in_(select(Nomination.category_id)
                                         .join(ScoreSheet, ScoreSheet.nomination_id == Nomination.id)
                                         .where(ScoreSheet.id.in_(sorted(self.sheets)))))
        if self.cycles:
            where.append(Category.cycle_id.in_(sorted(self.cycles)))
        if self.criteria:
            where.append(Category.id.in_(select(Criterion.category_id).where(Criterion.id.in_(sorted(self.criteria)))))
        return stamp.where(or_(*where)) if where else None


def _changes_input(session: Session, obj: Any, *, dirty: bool) -> bool:
    if isinstance(obj, Nomination):  # only a nomination in the scoring pool, before or after, is an input
        earlier = inspect(obj).attrs.state.history.deleted or ()
        if not any(state in EVALUATED_STATES for state in chain([obj.state], earlier)):
            return False
        if dirty and any(not same_results_role(before, obj.state) for before in earlier):
            return True
    if not dirty:
        return True
    attributes = _READ.get(type(obj))
    if attributes is None:
        return session.is_modified(obj)
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    """Stamp the categories whose inputs this flush changed (history is still there after the flush)."""
    stamps = _Stamps()
    for objects, dirty in ((session.new, False), (session.dirty, True), (session.deleted, False)):
        for obj in objects:
            if obj.__table__.name in INPUT_TABLES and _changes_input(session, obj, dirty=dirty):
                stamps.add(obj)
    if (statement := stamps.statement()) is not None:
        session.connection().execute(statement)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    """Stamp for a bulk INSERT, UPDATE or DELETE on an input table run through the session."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is None or table.name not in INPUT_TABLES or state.execution_options.get(RESULTS_UNCHANGED):
        return
    stamps = _Stamps()
    named = state.execution_options.get(OPTION)
    nominations = state.execution_options.get(CHANGES_NOMINATIONS)
    if named is None and nominations is None:
        stamps.everything = True
    stamps.categories.update(named or ())
    stamps.nominations.update(nominations or ())
    state.session.connection().execute(stamps.statement())


# ---------------------------------------------------------------------------------------------------------------
# The per-process store
# ---------------------------------------------------------------------------------------------------------------


_store: OrderedDict[tuple, Any] = OrderedDict()
_small: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def current_version(session: Session, category: Category) -> int:
    """The category's stamp as the database has it now (the ORM copy may predate a bulk stamp)."""
    return session.scalar(select(Category.results_version).where(Category.id == category.id))


def cached(key: tuple, compute: Callable[[], Any], *, small: bool = False) -> Any:
    """The value stored under ``key``, or ``compute()`` stored under it (least recently used dropped).

    ``small``: a value derived from a result and small beside it (kept in a store of its own, so it never
    pushes a result out)."""
    store, capacity = (_small, SMALL_CAPACITY) if small else (_store, CAPACITY)
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = compute()
    with _lock:
        store[key] = value
        while len(store) > capacity:
            store.popitem(last=False)
    return value


def clear(keys: Iterable[tuple] | None = None) -> None:
    """Forget cached results and what was derived from them (all of them by default)."""
    with _lock:
        if keys is None:
            _store.clear()
            _small.clear()
        for key in keys or ():
            _store.pop(key, None)
            _small.pop(key, None)
