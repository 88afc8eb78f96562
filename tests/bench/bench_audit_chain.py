"""Benchmark ``audit verify`` on a large log (not a test: timings are machine-dependent).

Usage::

    PYTHONPATH=. .venv/bin/python tests/bench/bench_audit_chain.py [--n 200000] [--batch 2000] [--url URL] [--no-memory]

Builds a migrated database (a temporary SQLite file unless ``--url`` names an empty PostgreSQL database), fills
the log with N chained events (bulk inserts, hashes computed as ``record`` does), then times
``verify_chain`` and reports the peak Python memory it allocated (``tracemalloc``): the walk streams, so the
peak should not grow with N.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, update
from sqlalchemy.orm import Session

import awards.persian  # noqa: F401  (jdatetime's warning guard first)
from awards.audit.services import verify_chain
from awards.migrate import upgrade
from awards.models import AuditChainHead, AuditEvent
from awards.models.audit import GENESIS, event_hash


def fill(engine, n: int) -> None:
    start = datetime(2025, 3, 1, tzinfo=UTC)
    previous, rows = GENESIS, []
    with engine.begin() as conn:
        for i in range(1, n + 1):
            row = {"id": i, "at": start + timedelta(seconds=i), "actor_id": None, "ip_address": "10.0.0.1",
                   "action": "nomination.edit", "object_type": "nomination", "object_id": i % 500 + 1,
                   "cycle_id": None, "nomination_id": None, "province_id": None,
                   "changes": {"nominee_name": ["شرکت نمونه", f"شرکت نمونه {i}"], "employees": [10, i % 90]},
                   "reason": "ویرایش پرونده" if i % 3 else None, "prev_hash": previous}
            row["hash"] = previous = event_hash(**row)
            rows.append(row)
            if len(rows) == 5000:
                conn.execute(insert(AuditEvent.__table__), rows)
                rows = []
        if rows:
            conn.execute(insert(AuditEvent.__table__), rows)
        conn.execute(update(AuditChainHead.__table__).values(last_event_id=n, last_hash=previous))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--url", default=None)
    parser.add_argument("--no-memory", action="store_true", help="time without tracemalloc (which slows Python)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = create_engine(url)
        upgrade(engine)
        t0 = time.perf_counter()
        fill(engine, args.n)
        print(f"filled {args.n} events in {time.perf_counter() - t0:.1f} s ({engine.url.get_backend_name()})")
        with Session(engine) as session:
            if not args.no_memory:
                tracemalloc.start()
            t0 = time.perf_counter()
            report = verify_chain(session, batch=args.batch)
            elapsed = time.perf_counter() - t0
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            memory = "" if args.no_memory else f", peak Python memory {peak:.1f} MiB"
            tracemalloc.stop()
        print(f"verify: ok={report.ok} checked={report.checked} in {elapsed:.1f} s "
              f"({report.checked / elapsed:,.0f} events/s){memory}")
        engine.dispose()


if __name__ == "__main__":
    main()
