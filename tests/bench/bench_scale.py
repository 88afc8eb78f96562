"""Benchmark the app on a whole generated cycle (issue 14; not a test: timings are machine-dependent).

Usage::

    .venv/bin/python tests/bench/bench_scale.py [--sizes 1300 13000] [--db sqlite postgresql]

or ``make bench-scale``. Environment (all optional):

* ``BENCH_SIZES=1300,13000``: the numbers of nominations (``--sizes`` wins);
* ``AWARDS_TEST_DATABASE_URL``: a PostgreSQL server URL; when set, every size also runs on PostgreSQL in a fresh
  database ``<its name>_bench_<N>`` (dropped first);
* ``BENCH_DBS=sqlite,postgresql``: which databases to run on;
* ``BENCH_REPEAT=5``: timed requests per page (after one warm-up); the median is reported;
* ``BENCH_ROUNDS=1`` (``--rounds``): with more, every size is seeded first and pages and results are measured in
  that many rounds alternating between the sizes, each figure the median of its rounds (a shared machine's slow
  spells then weigh on both sizes alike, which matters for the growth from one size to the other);
* ``BENCH_JUDGES=4``, ``BENCH_SECONDS=10``: the concurrency run's simulated judges and its duration
  (issue 14's run: ``BENCH_JUDGES=100 BENCH_SECONDS=120``);
* ``BENCH_SERVED=1`` (``--served``): the concurrency run talks HTTP to a real server process started as
  ``make run`` serves (``flask run``, threaded) on SQLite and as ``make serve`` does (gunicorn with
  ``deploy/gunicorn.conf.py``, ``AWARDS_WEB_WORKERS`` workers) on PostgreSQL; otherwise test clients in-process;
* ``BENCH_STEPS=concurrency`` (``--steps``): run only some steps after seeding.

For each database and N, every step runs in a fresh subprocess (no shared caches or memory peaks):

1. ``flask seed-scale --nominations N`` (stage evaluation) into an empty database: its wall time;
2. pages: every main page of every role (signed in through the login form, Flask test client), median latency,
   HTML size and SQL statement count, plus the cost of one screening accept (POST, the clock moved back into
   screening);
3. results: ``load_results`` of the largest category against one plain SQL aggregate of the same committee
   means (the ratio);
4. concurrency: ``BENCH_JUDGES`` threads, each a committee member with a browser of their own (a test client,
   or HTTP to a served process), reload the inbox and save (then submit) their open sheets for ``BENCH_SECONDS``,
   then keep reloading: HTTP 500s, busy 503s (sent again, as the page's button does), lost or duplicated sheets,
   throughput and latency;
5. propose and confirm every category through the services (the clock moved into the results phase), then
   ``flask results verify``, ``flask results export --format xlsx`` and ``flask audit verify`` as
   subprocesses: wall time and peak memory (``ru_maxrss`` of that process, from ``os.wait4``).

It ends with each issue-14 target and ``met`` / ``NOT MET``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
PASSWORD = "demo-pass-1404"  # the generated accounts' password (AWARDS_DEMO_PASSWORD below)


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _base_env(url: str, instance: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"AWARDS_DATABASE_URL": url, "AWARDS_INSTANCE_DIR": str(instance), "AWARDS_CONFIG": "development",
                "AWARDS_REQUEST_LOG": "0", "AWARDS_DEMO_PASSWORD": PASSWORD,
                "AWARDS_UPLOAD_FOLDER": str(instance / "uploads"), "AWARDS_OUTPUT_FOLDER": str(instance / "output"),
                "AWARDS_HUEY_SQLITE": str(instance / "huey.sqlite3"), "PYTHONPATH": str(ROOT)})
    env.pop("AWARDS_REDIS_URL", None)
    return env


def timed_process(command: list[str], env: dict[str, str]) -> dict:
    """Run ``command``; return wall seconds, CPU seconds, its own peak memory (MB), exit code and output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out_parts: list[str] = []
    err_parts: list[str] = []
    readers = [threading.Thread(target=lambda: out_parts.append(process.stdout.read())),
               threading.Thread(target=lambda: err_parts.append(process.stderr.read()))]
    for reader in readers:
        reader.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    for reader in readers:
        reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "rc": process.returncode, "stdout": "".join(out_parts),
            "stderr": "".join(err_parts)}


# ---------------------------------------------------------------------------------------------------------------
# Child modes: each runs in its own process against an already seeded database
# ---------------------------------------------------------------------------------------------------------------


def _app(url: str, instance: Path):
    import awards.persian  # noqa: F401  (jdatetime's warning guard first)
    from awards import create_app
    from awards.collector import freeze_startup

    app = create_app("development", {
        "DATABASE_URL": url, "UPLOAD_FOLDER": instance / "uploads", "OUTPUT_FOLDER": instance / "output",
        "HUEY_SQLITE_PATH": instance / "huey.sqlite3", "RATELIMIT_ENABLED": False, "REQUEST_LOG": False,
        "HUEY_IMMEDIATE": True, "REDIS_URL": None, "SESSION_REDIS_URL": None,
        # A session's "last seen" write (once a minute) would land in whichever request crosses the minute and
        # make statement counts differ between runs of the same page: not during a benchmark.
        "SESSION_TOUCH_INTERVAL": timedelta(days=1),
    })
    freeze_startup()  # as wsgi.py does in every served process and CLI command
    return app


class StatementCounter:
    """Count the SQL statements an engine runs (per thread, so concurrent clients do not mix)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.local = threading.local()
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args, **_kwargs) -> None:
        self.local.n = getattr(self.local, "n", 0) + 1

    def reset(self) -> None:
        self.local.n = 0

    @property
    def n(self) -> int:
        return getattr(self.local, "n", 0)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def _login(client, username: str) -> None:
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed: {response.status_code}")
    client.get(response.headers["Location"])


def _facts(app) -> dict:
    """Ids the pages need: the largest category and province, a judge's sheet, an officer's nomination."""
    from sqlalchemy import func, select

    from awards.db import db, write_intent
    from awards.enums import CommitteeCode, NominationState
    from awards.models import Assignment, Committee, Cycle, Nomination, Province, User

    with app.app_context(), write_intent(False):  # a reader: on SQLite it must not hold the write lock
        s = db.session
        cycle_id = s.scalar(select(Cycle.id))
        category_id, _ = s.execute(select(Nomination.category_id, func.count()).group_by(Nomination.category_id)
                                   .order_by(func.count().desc(), Nomination.category_id).limit(1)).one()
        province_id, _ = s.execute(select(Nomination.province_id, func.count()).group_by(Nomination.province_id)
                                   .order_by(func.count().desc(), Nomination.province_id).limit(1)).one()
        iso = s.scalar(select(Province.iso_code).where(Province.id == province_id))
        judge = s.scalar(select(User).where(User.username == "winners-1"))
        winners = s.scalar(select(Committee.id).where(Committee.code == CommitteeCode.WINNERS))
        sheet_nomination = s.scalar(select(Assignment.nomination_id).join(Nomination)
                                    .where(Assignment.member_id == judge.id, Assignment.committee_id == winners,
                                           Nomination.category_id == category_id).order_by(Assignment.id).limit(1))
        own_nomination = s.scalar(select(Nomination.id).where(Nomination.province_id == province_id)
                                  .order_by(Nomination.id).limit(1))
        submitted = s.scalars(select(Nomination.id).where(Nomination.state == NominationState.SUBMITTED)
                              .order_by(Nomination.id).limit(3)).all()
        db.session.remove()
    return {"cycle_id": cycle_id, "category_id": category_id, "officer": f"officer-{iso.lower()}",
            "sheet_nomination": sheet_nomination, "own_nomination": own_nomination, "submitted": submitted}


def role_pages(facts: dict) -> dict[str, list[tuple[str, str]]]:
    """Every main page of every role: role (username) -> [(label, path)]."""
    cat, cyc = facts["category_id"], facts["cycle_id"]
    return {
        # Organizers do not screen (403): the queues are the provincial-affairs and oversight members' pages.
        "admin": [("home", "/"), ("nominations list", "/nominations/"), ("results index", "/results/"),
                  ("results largest category", f"/results/{cat}"), ("audit log", "/audit/"),
                  ("certificates", "/certificates/"), ("assignments", f"/evaluation/assignments/{cat}"),
                  ("conflicts", "/evaluation/conflicts"), ("rubric", f"/evaluation/rubric/{cat}"),
                  ("cycle", f"/admin/cycles/{cyc}"), ("users", "/admin/users"), ("cycles", "/cycles/")],
        facts["officer"]: [("home", "/"), ("nominations list", "/nominations/"),
                           ("nomination", f"/nominations/{facts['own_nomination']}")],
        "provincial_affairs-chair": [("home", "/"), ("screening queue", "/screening/")],
        "oversight-chair": [("home", "/"), ("compliance queue", "/screening/compliance")],
        "winners-1": [("home", "/"), ("evaluation inbox", "/evaluation/"),
                      ("score sheet", f"/evaluation/{facts['sheet_nomination']}/winners")],
        # Committee members see results only once evaluation has closed.
        "winners-chair": [("home", "/"), ("evaluation inbox", "/evaluation/")],
        "content-chair": [("home", "/"), ("citations", "/evaluation/citations")],
    }


def mode_pages(url: str, instance: Path, repeat: int) -> dict:
    from awards import clock
    from awards.db import db
    from awards.demo import jalali_moment

    app = _app(url, instance)
    counter = StatementCounter(db.engine)
    facts = _facts(app)
    pages = []
    for username, entries in role_pages(facts).items():
        client = app.test_client()
        _login(client, username)
        for label, path in entries:
            client.get(path)  # warm-up (templates compiled, caches filled)
            times, cpu = [], []
            for _ in range(repeat):
                counter.reset()
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            pages.append({"role": username.split("-")[0] if username.startswith("officer") else username,
                          "page": label, "path": path, "status": response.status_code,
                          "median_s": statistics.median(times), "cpu_s": statistics.median(cpu),
                          "bytes": len(response.get_data()),
                          "statements": counter.n})
    # One screening accept (the organizer's provincial-affairs chair), with the clock back in screening.
    accepts = []
    offset = clock.offset()
    clock.set_offset(clock.offset_to(jalali_moment(1404, 3, 5, 10, 0)))
    client = app.test_client()
    _login(client, "provincial_affairs-chair")
    for nomination_id in facts["submitted"]:
        token = _csrf(client.get("/screening/").get_data(as_text=True))
        counter.reset()
        start = time.perf_counter()
        response = client.post(f"/screening/{nomination_id}/accept", data={"csrf_token": token})
        accepts.append({"status": response.status_code, "seconds": time.perf_counter() - start,
                        "statements": counter.n})
    clock.set_offset(offset)
    return {"pages": pages, "accepts": accepts}


def mode_results(url: str, instance: Path, repeat: int) -> dict:
    """``load_results`` of the largest category against one SQL aggregate of the same committee means."""
    from sqlalchemy import func, select

    from awards.db import db, write_intent
    from awards.enums import SheetState
    from awards.models import Criterion, Score, ScoreSheet
    from awards.results.queries import load_category, load_results

    app = _app(url, instance)
    facts = _facts(app)
    with app.app_context(), write_intent(False):
        s = db.session
        category = load_category(s, facts["category_id"])
        load_results(s, category=category, fresh=True)  # warm-up
        app_times, sql_times = [], []
        app_cpu, cached_times = [], []
        for _ in range(repeat):
            s.expire_all()
            # The whole computation (fetch, normalisation, agreement, ties), not the per-process cache's answer.
            start, start_cpu = time.perf_counter(), time.process_time()
            data = load_results(s, category=category, fresh=True)
            app_times.append(time.perf_counter() - start)
            app_cpu.append(time.process_time() - start_cpu)
        load_results(s, category=category)  # fills the cache
        for _ in range(repeat):
            s.expire_all()
            start = time.perf_counter()
            load_results(s, category=category)
            cached_times.append(time.perf_counter() - start)
        per_sheet = (
            select(ScoreSheet.nomination_id, ScoreSheet.committee_id,
                   (100 * func.sum(Criterion.weight * Score.value / Criterion.max_points)
                    / func.sum(Criterion.weight)).label("s"))
            .join(Score, Score.sheet_id == ScoreSheet.id).join(Criterion, Criterion.id == Score.criterion_id)
            .where(Criterion.category_id == facts["category_id"], ScoreSheet.state == SheetState.SUBMITTED)
            .group_by(ScoreSheet.id, ScoreSheet.nomination_id, ScoreSheet.committee_id).subquery())
        means = select(per_sheet.c.nomination_id, per_sheet.c.committee_id, func.avg(per_sheet.c.s)).group_by(
            per_sheet.c.nomination_id, per_sheet.c.committee_id)
        s.execute(means).all()
        rows = 0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = len(s.execute(means).all())
            sql_times.append(time.perf_counter() - start)
        nominees = len(data.result.nominees)
        db.session.remove()
    return {"load_results_s": statistics.median(app_times), "load_results_cpu_s": statistics.median(app_cpu),
            "cached_s": statistics.median(cached_times),
            "sql_s": statistics.median(sql_times),
            "nominees": nominees, "sql_rows": rows}


class _TestClientBrowser:
    """The Flask test client behind the same small interface as ``tests.live_client.Browser``."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def login(self, username: str, password: str) -> None:
        _login(self.client, username)

    def get(self, path: str):
        response = self.client.get(path)
        return SimpleNamespace(status=response.status_code, text=response.get_data(as_text=True))

    def post(self, path: str, data: dict):
        response = self.client.post(path, data=data)
        return SimpleNamespace(status=response.status_code, text=response.get_data(as_text=True))


def _serve(kind: str, url: str, instance: Path, port: int) -> subprocess.Popen:
    """Start the app as ``make run`` serves it (SQLite: ``flask run``, threaded) or as ``make serve`` does
    (PostgreSQL: gunicorn with deploy/gunicorn.conf.py, several workers); wait until it answers."""
    from tests.live_client import wait_until_up

    env = _base_env(url, instance)
    env.update({"AWARDS_LOGIN_RATE_LIMIT": "100000 per minute", "AWARDS_BIND": f"127.0.0.1:{port}",
                "AWARDS_LOG_LEVEL": "warning"})
    if kind == "sqlite":
        command = [*FLASK, "run", "--host", "127.0.0.1", "--port", str(port), "--with-threads", "--no-reload",
                   "--no-debugger"]
    else:
        command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "deploy/gunicorn.conf.py"]
    log = (instance / f"server-{port}.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", seconds=120)
    except RuntimeError:
        server.terminate()
        raise
    return server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _add_judges(app, wanted: int, *, sheets_each: int = 40) -> int:
    """Bring the judges with open sheets up to ``wanted``: the generated cycle has a few dozen committee members,
    a 100-judge run needs more. Each new member joins a scoring committee (in turn) and is assigned
    ``sheets_each`` nominations in evaluation of categories that committee scores. Returns how many were added."""
    from sqlalchemy import distinct, func, select

    from awards.auth.services import create_user
    from awards.db import db
    from awards.models import Assignment, Criterion, Cycle, Membership, Nomination, User

    with app.app_context():
        s = db.session
        have = s.scalar(select(func.count(distinct(Assignment.member_id))))
        missing = max(0, wanted - have)
        if not missing:
            return 0
        cycle_id = s.scalar(select(Cycle.id))
        scoring = sorted(s.scalars(select(distinct(Criterion.committee_id))))
        nominations = {committee_id: list(s.scalars(
            select(Nomination.id).where(Nomination.state == "in_evaluation", Nomination.category_id.in_(
                select(Criterion.category_id).where(Criterion.committee_id == committee_id)))
            .order_by(Nomination.id))) for committee_id in scoring}
        admin = s.scalar(select(User).where(User.is_organizer.is_(True)).order_by(User.id).limit(1))
        for i in range(missing):
            committee_id = scoring[i % len(scoring)]
            user = create_user(s, username=f"bench-judge-{i + 1}", password=PASSWORD, full_name=f"داور آزمون {i + 1}",
                               organisation=f"نهاد آزمون {i + 1}", actor=admin, check_password=False)
            s.add(Membership(cycle_id=cycle_id, committee_id=committee_id, user_id=user.id))
            pool = nominations[committee_id]
            start = (i * sheets_each) % max(len(pool), 1)
            for nomination_id in (pool[start:] + pool[:start])[:sheets_each]:
                s.add(Assignment(nomination_id=nomination_id, committee_id=committee_id, member_id=user.id))
        s.commit()
        db.session.remove()
    return missing


def _open_work(app):
    """Committee codes, every (member, nomination, committee) with a sheet still to submit, nominations'
    categories, criteria (id, max) per category and committee, and the number of sheets now."""
    from sqlalchemy import func, select

    from awards.db import db
    from awards.enums import SheetState
    from awards.models import Assignment, Committee, Conflict, Criterion, Nomination, ScoreSheet, User

    with app.app_context():
        s = db.session
        codes = {c.id: c.code for c in s.scalars(select(Committee))}
        open_work = s.execute(
            select(User.username, Assignment.nomination_id, Assignment.committee_id)
            .join(User, User.id == Assignment.member_id).join(Nomination, Nomination.id == Assignment.nomination_id)
            .where(Nomination.state == "in_evaluation",
                   ~select(ScoreSheet.id).where(ScoreSheet.nomination_id == Assignment.nomination_id,
                                                ScoreSheet.committee_id == Assignment.committee_id,
                                                ScoreSheet.member_id == Assignment.member_id,
                                                ScoreSheet.state == SheetState.SUBMITTED).exists(),
                   ~select(Conflict.id).where(Conflict.nomination_id == Assignment.nomination_id,
                                              Conflict.user_id == Assignment.member_id).exists())
            .order_by(Assignment.id)).all()
        categories = dict(s.execute(select(Nomination.id, Nomination.category_id)).all())
        criteria: dict[tuple[int, int], list[tuple[int, float]]] = {}
        for cid, category_id, committee_id, max_points in s.execute(
                select(Criterion.id, Criterion.category_id, Criterion.committee_id, Criterion.max_points)):
            criteria.setdefault((category_id, committee_id), []).append((cid, float(max_points)))
        sheets_before = s.scalar(select(func.count()).select_from(ScoreSheet))
        db.session.remove()
    return codes, open_work, categories, criteria, sheets_before


def _check_sheets(app, expected: dict[tuple[int, int, str], str]) -> tuple[int, int, int]:
    """Acknowledged saves not found in the state they were left (lost), duplicated sheets, and the sheet count."""
    from sqlalchemy import func, select

    from awards.db import db
    from awards.models import ScoreSheet, User

    with app.app_context():
        s = db.session
        lost = 0
        for (nomination_id, committee_id, username), state in expected.items():
            row = s.execute(select(ScoreSheet.state).join(User, User.id == ScoreSheet.member_id)
                            .where(ScoreSheet.nomination_id == nomination_id, ScoreSheet.committee_id == committee_id,
                                   User.username == username)).all()
            if len(row) != 1 or row[0][0].value != state:
                lost += 1
        duplicated = s.scalar(select(func.count()).select_from(
            select(ScoreSheet.nomination_id).group_by(ScoreSheet.nomination_id, ScoreSheet.committee_id,
                                                      ScoreSheet.member_id).having(func.count() > 1).subquery()))
        sheets_after = s.scalar(select(func.count()).select_from(ScoreSheet))
        db.session.remove()
    return lost, duplicated, sheets_after


def _sheet_form(token: str, submit: bool, criteria: list[tuple[int, float]]) -> dict:
    data = {"csrf_token": token, "comment": "", "action": "submit" if submit else "save"}
    for index, (cid, max_points) in enumerate(criteria):
        data[f"c{cid}"] = str(round(max_points * (0.5 + 0.05 * (index % 5)) * 2) / 2)
    return data


def _send(timed, browser, path: str, data: dict, *, until: float):
    """Post; on a busy 503 wait a moment (the page's Retry-After) and send the same fields, as its button does."""
    response = timed(browser.post, path, data)
    while response.status == 503 and time.perf_counter() < until:
        time.sleep(1)
        response = timed(browser.post, path, data)
    return response


class _JudgesRun:
    """The shared tallies of a concurrency run, and what one judge does (:meth:`judge`)."""

    def __init__(self, *, make_browser, work, codes, categories, criteria, judges: int, seconds: float) -> None:
        self.make_browser, self.work, self.codes = make_browser, work, codes
        self.categories, self.criteria, self.seconds = categories, criteria, seconds
        self.stats = {"requests": 0, "http_500": 0, "http_503": 0, "other_errors": 0, "saved": 0, "submitted": 0,
                      "inbox_loads": 0, "exhausted": 0, "judge_failures": 0}
        self.latencies: list[float] = []
        self.expected: dict[tuple[int, int, str], str] = {}  # the last acknowledged save per sheet -> state
        self.lock = threading.Lock()
        self.deadline = 0.0
        # Everyone signed in: the barrier's action starts the clock before any judge is let go.
        self.ready = threading.Barrier(judges + 1, action=self._start, timeout=900)

    def _start(self) -> None:
        self.deadline = time.perf_counter() + self.seconds

    def timed(self, call, *args):
        start = time.perf_counter()
        answer = call(*args)
        with self.lock:
            self.latencies.append(time.perf_counter() - start)
            self.stats["requests"] += 1
            self.stats["http_500"] += answer.status >= 500 and answer.status != 503
            self.stats["http_503"] += answer.status == 503
            self.stats["other_errors"] += 400 <= answer.status < 500
        return answer

    def judge(self, username: str) -> None:
        try:
            self._judge(username)
        except Exception as error:
            with self.lock:
                self.stats["judge_failures"] += 1
            self.ready.abort()  # the run stops at once rather than waiting for a judge who will not come
            raise RuntimeError(f"judge {username} failed") from error

    def _judge(self, username: str) -> None:
        from tests.live_client import csrf

        browser = self.make_browser()
        browser.login(username, PASSWORD)  # signing in (a slow password hash) is not part of the timed run
        self.ready.wait()
        queue = list(self.work[username])
        last_path = None
        step = 0
        while time.perf_counter() < self.deadline:
            inbox = self.timed(browser.get, "/evaluation/")
            with self.lock:
                self.stats["inbox_loads"] += inbox.status == 200
            if not queue:  # all submitted: keep reading, as a judge checking their inbox does
                if last_path:
                    self.timed(browser.get, last_path)
                continue
            nomination_id, committee_id = queue[0]
            path = last_path = f"/evaluation/{nomination_id}/{self.codes[committee_id].value}"
            page = self.timed(browser.get, path)
            submit = step % 2 == 1  # save a draft first, then submit it
            try:
                data = _sheet_form(csrf(page.text), submit,
                                   self.criteria[(self.categories[nomination_id], committee_id)])
            except RuntimeError:  # no form: the sheet is not open to this judge
                queue.pop(0)
                continue
            response = _send(self.timed, browser, path, data, until=self.deadline + 30)
            with self.lock:
                if response.status == 302:
                    self.stats["saved"] += 1
                    self.stats["submitted"] += submit
                    self.expected[(nomination_id, committee_id, username)] = "submitted" if submit else "draft"
            step += 1
            if submit or response.status != 302:
                queue.pop(0)
                with self.lock:
                    self.stats["exhausted"] += not queue


def mode_concurrency(url: str, instance: Path, judges: int, seconds: float, served: bool = False) -> dict:
    """Judges (threads, each a committee member with a browser of their own) reload the inbox, open a sheet,
    save it as a draft, reload, and submit it, sheet after sheet, for ``seconds``; a judge whose sheets are all
    submitted goes on reloading the inbox and their last sheet, so the load lasts the whole run.

    ``served``: the browsers talk HTTP to a real server process (see :func:`_serve`); otherwise each judge uses
    the Flask test client in this process. A 503 ("busy, send again") is counted and the same post sent again
    after a pause, as the page's button does; a save counts when its answer is a redirect (acknowledged).
    """
    from tests.live_client import Browser

    app = _app(url, instance)
    added = _add_judges(app, judges)
    codes, open_work, categories, criteria, sheets_before = _open_work(app)
    work: dict[str, list[tuple[int, int]]] = {}
    for username, nomination_id, committee_id in open_work:
        work.setdefault(username, []).append((nomination_id, committee_id))
    chosen = sorted(work, key=lambda u: (-len(work[u]), u))[:judges]
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    port = _free_port()
    server = _serve(kind, url, instance, port) if served else None
    run = _JudgesRun(make_browser=(lambda: Browser(f"http://127.0.0.1:{port}")) if served else (
        lambda: _TestClientBrowser(app)), work=work, codes=codes, categories=categories, criteria=criteria,
        judges=len(chosen), seconds=seconds)
    try:
        threads = [threading.Thread(target=run.judge, args=(username,)) for username in chosen]
        for thread in threads:
            thread.start()
        run.ready.wait()
        start = run.deadline - seconds
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    lost, duplicated, sheets_after = _check_sheets(app, run.expected)
    served_by = ("flask run (threaded)" if kind == "sqlite" else "gunicorn") if served else "test client"
    return _summary(run.stats, run.latencies, judges=len(chosen), added_judges=added, elapsed=elapsed,
                    served=served_by, lost=lost,
                    duplicated=duplicated, new_sheets=sheets_after - sheets_before)


def _summary(stats: dict, latencies: list[float], *, elapsed: float, **facts) -> dict:
    latencies = sorted(latencies)
    return {**stats, **facts, "seconds": elapsed,
            "saves_per_s": stats["saved"] / elapsed if elapsed else 0,
            "requests_per_s": stats["requests"] / elapsed if elapsed else 0,
            "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0,
            "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)] if latencies else 0}


def mode_finalise(url: str, instance: Path) -> dict:
    """Propose and confirm every category through the services, the clock moved into the results phase."""
    import resource

    from sqlalchemy import select

    from awards.db import db
    from awards.demo import STAGE_MOMENTS, set_demo_clock
    from awards.models import Cycle
    from awards.scale import propose_and_confirm_all, sign_off_all

    app = _app(url, instance)
    with app.app_context():
        set_demo_clock(db.session, STAGE_MOMENTS["results"])
        db.session.commit()
        cycle_id = db.session.scalar(select(Cycle.id))
        # The committees' own steps first (timed apart: each chair's sign-off and the winners' sealed minutes are
        # other people's work on other days), then the proposal and confirmation the target is about.
        start, start_cpu = time.perf_counter(), time.process_time()
        sign_off_all(db.session, cycle_id=cycle_id)
        db.session.commit()
        before_seconds, before_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        start, start_cpu = time.perf_counter(), time.process_time()
        confirmed = propose_and_confirm_all(db.session, cycle_id=cycle_id)
        db.session.commit()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return {"seconds": elapsed, "cpu": cpu, "categories": confirmed,
            "signoff_seconds": before_seconds, "signoff_cpu": before_cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


STEPS = ("pages", "results", "concurrency", "finalise")


def run_child(mode: str, url: str, instance: Path, *extra: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--url", url,
               "--instance", str(instance), *extra]
    result = timed_process(command, _base_env(url, instance))
    if result["rc"] != 0:
        raise SystemExit(f"{mode} failed:\n{result['stderr'][-4000:]}")
    payload = json.loads(result["stdout"].strip().splitlines()[-1])
    payload["process_peak_mb"] = result["peak_mb"]
    return payload


# ---------------------------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------------------------


def fresh_database(kind: str, n: int, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / f'bench-{n}.sqlite3'}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(os.environ["AWARDS_TEST_DATABASE_URL"])
    name = f"{base.database}_bench_{n}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(kind: str, url: str) -> None:
    if kind != "postgresql":
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def seed_one(kind: str, n: int, tmp: Path) -> tuple[Path, str, dict]:
    """A fresh database of ``kind`` seeded with ``n`` nominations: its instance folder, URL and the run's record."""
    instance = tmp / f"{kind}-{n}"
    instance.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, n, instance)
    env = _base_env(url, instance)
    out: dict = {"kind": kind, "n": n}
    seed = timed_process([*FLASK, "seed-scale", "--nominations", str(n)], env)
    if seed["rc"] != 0:
        raise SystemExit(f"seed-scale failed:\n{seed['stderr'][-4000:]}")
    out["seed"] = {"seconds": seed["seconds"], "cpu": seed["cpu"], "peak_mb": seed["peak_mb"],
                   "summary": seed["stdout"].strip().splitlines()[0]}
    print_run(out, "seed")
    return instance, url, out


def _median_of_rounds(rounds: list[dict], part: str) -> dict:
    """One step's figures over several rounds: each page's (and the results') median of the rounds' medians."""
    if part == "results":
        merged = dict(rounds[-1])
        for key in ("load_results_s", "load_results_cpu_s", "sql_s", "cached_s"):
            merged[key] = statistics.median(r[key] for r in rounds)
        merged["rounds"] = [{k: r[k] for k in ("load_results_s", "sql_s")} for r in rounds]
        return merged
    merged = dict(rounds[-1])
    pages = []
    for index, page in enumerate(rounds[-1]["pages"]):
        same = [r["pages"][index] for r in rounds]
        pages.append({**page, "median_s": statistics.median(p["median_s"] for p in same),
                      "cpu_s": statistics.median(p["cpu_s"] for p in same),
                      "rounds_s": [p["median_s"] for p in same]})
    merged["pages"] = pages
    merged["accepts"] = [a for r in rounds for a in r["accepts"]]
    return merged


def interleaved(seeded: list[tuple[Path, str, dict]], *, steps: tuple[str, ...], repeat: int, rounds: int) -> None:
    """Pages and results of every size, measured in ``rounds`` alternating rounds (1,300, 13,000, 1,300, ...), so
    that a slow spell of a shared machine weighs on both sizes alike; each figure is the median of its rounds."""
    collected: dict[tuple[int, str], list[dict]] = {}
    for number in range(rounds):
        for instance, url, out in seeded:
            for part in ("pages", "results"):
                if part in steps:
                    collected.setdefault((out["n"], part), []).append(
                        run_child(part, url, instance, "--repeat", str(repeat)))
            print(f"   round {number + 1} of {rounds}, N = {out['n']}: measured", flush=True)
    for _instance, _url, out in seeded:
        for part in ("pages", "results"):
            if part in steps:
                out[part] = _median_of_rounds(collected[(out["n"], part)], part)
                print_run(out, part)


def bench_one(kind: str, n: int, tmp: Path, *, repeat: int, judges: int, seconds: float, keep: bool,
              steps: tuple[str, ...] = STEPS, served: bool = False,
              seeded: tuple[Path, str, dict] | None = None) -> dict:
    """Seed (unless ``seeded``) and run ``steps``; pages and results only when not already measured."""
    instance, url, out = seeded or seed_one(kind, n, tmp)
    env = _base_env(url, instance)
    if "pages" in steps and "pages" not in out:
        out["pages"] = run_child("pages", url, instance, "--repeat", str(repeat))
        print_run(out, "pages")
    if "results" in steps and "results" not in out:
        out["results"] = run_child("results", url, instance, "--repeat", str(repeat))
        print_run(out, "results")
    if "concurrency" in steps:
        out["concurrency"] = run_child("concurrency", url, instance, "--judges", str(judges), "--seconds",
                                       str(seconds), *(["--served"] if served else []))
        print_run(out, "concurrency")
    if "finalise" not in steps:
        if not keep:
            drop_database(kind, url)
        return out
    out["finalise"] = run_child("finalise", url, instance)
    commands = {"baseline: app start-up (flask routes)": ["routes"],
                "results verify": ["results", "verify", "--cycle", "1404"],
                "results export xlsx": ["results", "export", "--cycle", "1404", "--format", "xlsx", "--out",
                                        str(instance / "results.xlsx")],
                "audit verify": ["audit", "verify"]}
    out["commands"] = {}
    for label, args in commands.items():
        result = timed_process([*FLASK, *args], env)
        out["commands"][label] = {"seconds": result["seconds"], "cpu": result["cpu"], "peak_mb": result["peak_mb"],
                                  "rc": result["rc"],
                                  "line": (result["stdout"] or result["stderr"]).strip().splitlines()[-1][:160]}
    print_run(out, "finalise")
    if not keep:
        drop_database(kind, url)
    return out


def print_run(run: dict, part: str) -> None:
    """Print one part of a run as soon as it is measured (a long run shows its figures as it goes)."""
    if part == "seed":
        print(f"\n== {run['kind']}, N = {run['n']} ==")
        seed = run["seed"]
        print(f"seed-scale: {seed['seconds']:.1f} s wall ({seed['cpu']:.1f} s CPU), peak {seed['peak_mb']:.0f} MB")
        print(f"  {seed['summary']}", flush=True)
    elif part == "pages":
        print_pages(run)
    elif part == "results":
        print_results(run)
    elif part == "concurrency":
        print_concurrency(run)
    else:
        print_finalise(run)
    sys.stdout.flush()


def print_pages(run: dict) -> None:
    print("(median ms: wall clock; cpu ms: this process's CPU time, which includes SQLite's work but not "
          "PostgreSQL's)")
    print(f"{'role':<26} {'page':<26} {'status':>6} {'median ms':>10} {'cpu ms':>8} {'KB':>9} {'stmts':>6}")
    for page in run["pages"]["pages"]:
        print(f"{page['role']:<26} {page['page']:<26} {page['status']:>6} {page['median_s'] * 1000:>10.1f} "
              f"{page.get('cpu_s', 0) * 1000:>8.1f} {page['bytes'] / 1024:>9.1f} {page['statements']:>6}")
    for accept in run["pages"]["accepts"]:
        print(f"screening accept: status {accept['status']}, {accept['seconds'] * 1000:.1f} ms, "
              f"{accept['statements']} statements")


def print_results(run: dict) -> None:
    res = run["results"]
    print(f"results of the largest category ({res['nominees']} nominees): load_results computed afresh "
          f"{res['load_results_s']:.3f} s ({res['load_results_cpu_s']:.3f} s CPU),"
          f" SQL aggregate {res['sql_s']:.3f} s ({res['sql_rows']} committee means): "
          f"ratio {res['load_results_s'] / max(res['sql_s'], 1e-6):.1f}x; from the cache "
          f"{res.get('cached_s', float('nan')):.3f} s")


def print_concurrency(run: dict) -> None:
    c = run["concurrency"]
    print(f"concurrency ({c.get('served', 'test client')}): {c['judges']} judges for {c['seconds']:.1f} s: "
          f"{c['requests']} requests ({c.get('requests_per_s', 0):.1f}/s, p50 {c.get('p50_ms', 0):.0f} ms, "
          f"p95 {c.get('p95_ms', 0):.0f} ms), {c['http_500']} HTTP 500, {c.get('http_503', 0)} busy 503 (sent again), "
          f"{c['other_errors']} other 4xx, {c['saved']} saves ({c['submitted']} submits), "
          f"{c['saves_per_s']:.2f} saves/s, {c.get('inbox_loads', 0)} inbox loads; lost {c['lost']}, "
          f"duplicated {c['duplicated']}, new sheets {c['new_sheets']}; "
          f"{c.get('exhausted', 0)} judges ran out of sheets before the end")


def print_finalise(run: dict) -> None:
    f = run["finalise"]
    if "signoff_seconds" in f:
        print(f"sign-offs, tie orderings and the winners' sealed minutes, all {f['categories']} categories: "
              f"{f['signoff_seconds']:.1f} s ({f['signoff_cpu']:.1f} s CPU)")
    print(f"propose + confirm all {f['categories']} categories: {f['seconds']:.1f} s ({f['cpu']:.1f} s CPU), "
          f"peak {f['process_peak_mb']:.0f} MB")
    for label, cmd in run["commands"].items():
        print(f"{label}: {cmd['seconds']:.1f} s ({cmd['cpu']:.1f} s CPU), peak {cmd['peak_mb']:.0f} MB, "
              f"exit {cmd['rc']}: {cmd['line']}")


def targets(runs: list[dict]) -> list[tuple[str, bool | None, str]]:
    """The issue-14 targets, judged at the largest size against the smallest, per database."""
    out = []
    for kind in sorted({r["kind"] for r in runs}):
        mine = sorted((r for r in runs if r["kind"] == kind), key=lambda r: r["n"])
        small, large = mine[0], mine[-1]
        tag = f"[{kind}, N={large['n']}]"
        if all(part in large and part in small for part in ("pages", "results")):
            pages = large["pages"]["pages"]
            slow = [p for p in pages if p["median_s"] >= 1.0]
            heavy = [p for p in pages if p["bytes"] >= 300 * 1024]
            failed = [p for p in pages if p["status"] != 200]
            out.append((f"{tag} every page median < 1 s", not slow,
                        ", ".join(f"{p['role']} {p['page']} {p['median_s']:.2f} s" for p in slow)))
            out.append((f"{tag} every page < 300 KB HTML", not heavy,
                        ", ".join(f"{p['role']} {p['page']} {p['bytes'] / 1024:.0f} KB" for p in heavy)))
            out.append((f"{tag} every page answers 200", not failed,
                        ", ".join(f"{p['role']} {p['page']} {p['status']}" for p in failed)))
            if small is not large:
                before = {(p["role"], p["page"]): p for p in small["pages"]["pages"]}
                grown, changed = [], []
                for p in pages:
                    b = before.get((p["role"], p["page"]))
                    if b is None:
                        continue
                    if p["median_s"] > 1.5 * max(b["median_s"], 0.001):
                        grown.append(f"{p['role']} {p['page']} {p['median_s'] / max(b['median_s'], 0.001):.1f}x")
                    if p["statements"] != b["statements"]:
                        changed.append(f"{p['role']} {p['page']} {b['statements']}->{p['statements']}")
                out.append((f"{tag} latency growth <= 1.5x from N={small['n']}", not grown, ", ".join(grown)))
                out.append((f"{tag} statement counts equal at N={small['n']} and N={large['n']}", not changed,
                            ", ".join(changed)))
                a_small = [a for a in small["pages"]["accepts"] if a["status"] == 302]
                a_large = [a for a in large["pages"]["accepts"] if a["status"] == 302]
                if a_small and a_large:
                    s_small = statistics.median(a["statements"] for a in a_small)
                    s_large = statistics.median(a["statements"] for a in a_large)
                    t_small = statistics.median(a["seconds"] for a in a_small)
                    t_large = statistics.median(a["seconds"] for a in a_large)
                    ok = s_small == s_large and t_large <= 1.5 * max(t_small, 0.001)
                    out.append((f"{tag} screening accept same cost at both sizes", ok,
                                f"{s_small:.0f}->{s_large:.0f} statements, "
                                f"{t_small * 1000:.0f}->{t_large * 1000:.0f} ms"))
                else:
                    out.append((f"{tag} screening accept same cost at both sizes", None,
                                "no successful accept to compare"))
            res = large["results"]
            ratio = res["load_results_s"] / max(res["sql_s"], 1e-6)
            out.append((f"{tag} results computation <= 3x the SQL aggregate", ratio <= 3, f"{ratio:.1f}x"))
        if "finalise" in large:
            f = large["finalise"]
            out.append((f"{tag} propose + confirm < 15 s", f["seconds"] < 15, f"{f['seconds']:.1f} s"))
            verify = large["commands"]["results verify"]
            out.append((f"{tag} results verify < 10 s", verify["seconds"] < 10 and verify["rc"] == 0,
                        f"{verify['seconds']:.1f} s, exit {verify['rc']}"))
            export = large["commands"]["results export xlsx"]
            out.append((f"{tag} export peak memory < 250 MB", export["peak_mb"] < 250 and export["rc"] == 0,
                        f"{export['peak_mb']:.0f} MB, {export['seconds']:.1f} s"))
        if "concurrency" not in large:
            continue
        c = large["concurrency"]
        out.append((f"{tag} concurrency ({c.get('served', 'test client')}, {c['judges']} judges): no HTTP 500, "
                    "no lost or duplicated sheet",
                    c["http_500"] == 0 and c["lost"] == 0 and c["duplicated"] == 0 and c["saved"] > 0,
                    f"{c['http_500']} x 500, {c.get('http_503', 0)} x 503 sent again, {c['lost']} lost, "
                    f"{c['duplicated']} duplicated; {c.get('requests_per_s', 0):.1f} requests/s, "
                    f"{c['saves_per_s']:.2f} saves/s"))
    return out


def run_all(args: argparse.Namespace, sizes: list[int], kinds: list[str]) -> list[dict]:
    """Every size on every database, as ``args`` asks; each run written to ``args.json`` as soon as it is done."""
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for kind in kinds:
            seeded: dict[int, tuple[Path, str, dict]] = {}
            if args.rounds > 1:  # every size seeded first, then pages and results in alternating rounds
                for n in sizes:
                    print(f"-- {kind}, N = {n}: seeding", flush=True)
                    seeded[n] = seed_one(kind, n, Path(tmp))
                interleaved(list(seeded.values()), steps=tuple(args.steps), repeat=args.repeat, rounds=args.rounds)
            for n in sizes:
                print(f"-- {kind}, N = {n}", flush=True)
                run = bench_one(kind, n, Path(tmp), repeat=args.repeat, judges=args.judges, seconds=args.seconds,
                                keep=args.keep, steps=tuple(args.steps), served=args.served, seeded=seeded.get(n))
                runs.append(run)
                if args.json:
                    args.json.write_text(json.dumps(runs, indent=1, ensure_ascii=False))
                print(f"load average: {os.getloadavg()[0]:.2f}", flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--db", nargs="+", choices=["sqlite", "postgresql"], default=None)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases afterwards")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file (after each run)")
    parser.add_argument("--merge", type=Path, nargs="+", default=[],
                        help="judge the targets together with the runs saved by earlier --json files")
    parser.add_argument("--child", choices=["pages", "results", "concurrency", "finalise"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "5")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "1")),
                        help="measure pages and results in this many rounds alternating between the sizes")
    parser.add_argument("--judges", type=int, default=int(os.environ.get("BENCH_JUDGES", "4")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "10")))
    parser.add_argument("--served", action="store_true", default=os.environ.get("BENCH_SERVED", "") == "1",
                        help="concurrency against a real server process: flask run (SQLite), gunicorn (PostgreSQL)")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=_env_list("BENCH_STEPS", ",".join(STEPS)),
                        help="which steps to run after seeding (default: all)")
    args = parser.parse_args()

    if args.child:
        if args.child == "pages":
            result = mode_pages(args.url, args.instance, args.repeat)
        elif args.child == "results":
            result = mode_results(args.url, args.instance, args.repeat)
        elif args.child == "concurrency":
            result = mode_concurrency(args.url, args.instance, args.judges, args.seconds, served=args.served)
        else:
            result = mode_finalise(args.url, args.instance)
        print(json.dumps(result))
        return

    sizes = args.sizes or [int(s) for s in _env_list("BENCH_SIZES", "1300,13000")]
    kinds = args.db or _env_list("BENCH_DBS", "sqlite,postgresql")
    if args.merge and not args.sizes and "BENCH_SIZES" not in os.environ:
        sizes = []  # only judge the saved runs
    if "postgresql" in kinds and not os.environ.get("AWARDS_TEST_DATABASE_URL"):
        kinds = [k for k in kinds if k != "postgresql"]
    print("Wall-clock figures depend on what else the machine runs (the load average is printed); CPU seconds "
          "are shown beside them where they can be measured.")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}; Python "
          f"{platform.python_version()}; load average before: {os.getloadavg()[0]:.2f}")
    print(f"sizes {sizes} on {kinds}; {args.repeat} timed requests per page (median); concurrency "
          f"{args.judges} judges for {args.seconds:.0f} s", flush=True)
    runs = run_all(args, sizes, kinds)
    for earlier in args.merge:
        runs.extend(json.loads(earlier.read_text()))
    print("\n== issue-14 targets ==")
    for name, ok, detail in targets(runs):
        verdict = "n/a" if ok is None else ("met" if ok else "NOT MET")
        print(f"{verdict:>8}  {name}" + (f"  ({detail})" if detail else ""))


if __name__ == "__main__":
    main()
