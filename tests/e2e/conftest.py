"""The browser suite: the real app in a subprocess on a free port, with a fresh database and the demo seed,
driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
PASSWORD = "demo-pass-1404"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_database_url(tmp: Path) -> str:
    pg = os.environ.get("AWARDS_TEST_DATABASE_URL")
    if not pg:
        return f"sqlite:///{tmp / 'e2e.sqlite3'}"
    url = make_url(pg)
    name = f"{url.database}_e2e_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Seed the demo into a fresh database, then serve the app (and the job consumer) on a free port."""
    tmp = tmp_path_factory.mktemp("e2e")
    env = dict(os.environ)
    env.update({
        "AWARDS_DATABASE_URL": _fresh_database_url(tmp),
        "AWARDS_INSTANCE_DIR": str(tmp),
        "AWARDS_UPLOAD_FOLDER": str(tmp / "uploads"),
        "AWARDS_OUTPUT_FOLDER": str(tmp / "output"),
        "AWARDS_HUEY_SQLITE": str(tmp / "huey.sqlite3"),
        "AWARDS_DEMO_PASSWORD": PASSWORD,
        "AWARDS_CONFIG": "development",
        "AWARDS_LOGIN_RATE_LIMIT": "5 per minute;30 per hour",
    })
    env.pop("AWARDS_REDIS_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(tmp / "server.log", "w")  # noqa: SIM115  (closed at teardown)
    server = subprocess.Popen([*flask, "run", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    consumer = None
    consumer_bin = Path(sys.executable).with_name("huey_consumer")
    if (ROOT / "awards" / "tasks.py").exists() and consumer_bin.exists():
        consumer = subprocess.Popen([str(consumer_bin), "awards.tasks.huey", "-w", "1", "-q"], cwd=ROOT, env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        server.terminate()
        raise RuntimeError("the app did not start: " + (tmp / "server.log").read_text())
    yield base
    for proc in (server, consumer):
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fa-IR", "timezone_id": "Asia/Tehran"}


@pytest.fixture
def signed_in(page, live_server):
    """Return a function that signs the page in as a demo user through the login form."""

    def _sign_in(username: str, password: str = PASSWORD):
        page.context.clear_cookies()
        page.goto(live_server + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.get_by_role("button", name="ورود", exact=True).click()
        page.wait_for_load_state()
        return page

    return _sign_in


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot under tests/e2e/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


#: Rules switched off for every page, each with its reason.
AXE_EXCEPTIONS: dict[str, str] = {}


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page and return its serious and critical violations (minus justified exceptions)."""
    # Served by the app itself (same origin), so the page's Content-Security-Policy allows it.
    origin = page.evaluate("() => location.origin")
    page.add_script_tag(url=origin + "/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical") and v["id"] not in AXE_EXCEPTIONS
    ]


def horizontal_overflow(page) -> int:
    """Return by how many pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
