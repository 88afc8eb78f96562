"""The browser suite: the real app in a subprocess on a free port, with a fresh database and the demo seed,
driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.fresh_database import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
PASSWORD = "demo-pass-1404"
#: The first organizer an ``init`` server is set up with (``flask --app wsgi init``), and their password.
INIT_USERNAME = "secretariat"
INIT_FULL_NAME = "دبیرخانهٔ جایزهٔ ملی صنعت و معدن"
INIT_PASSWORD = "Dabirkhane-1405-aval"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: The environment each served app runs with, by its base URL (a test may run a CLI command against it).
SERVED_ENV: dict[str, dict[str, str]] = {}
#: How to restart each served app's web server (same port, same database), by its base URL: the app reads the demo
#: clock when it starts, so a test that moves the clock restarts the server.
RESTARTS: dict[str, Callable[[], None]] = {}


#: The command that prepares a served app's database, by name.
PREPARATIONS = {
    "seed-demo": ["seed-demo"],
    "seed-demo-final": ["seed-demo", "--stage", "final"],
    "seed-demo-results": ["seed-demo", "--stage", "results"],
    "seed-demo-provincial": ["seed-demo", "--stage", "provincial"],
    "init": ["init", "--username", INIT_USERNAME, "--full-name", INIT_FULL_NAME],
}


def _wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 90  # a loaded machine can take a minute to import the app
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the app did not start: " + log.read_text())


@contextmanager
def _serve(tmp: Path, *, prepare: str = "seed-demo", production: bool = False):
    """Prepare a fresh database, serve the app (and the job consumer) on a free port; yield its URL.

    ``prepare`` (a key of :data:`PREPARATIONS`) is ``seed-demo`` (the 1404 demo), ``seed-demo-final`` (that demo
    after the ceremony), ``seed-demo-results`` (that demo in its results phase, the cluster category still open),
    ``seed-demo-provincial`` (that demo in provincial selection, Fars's clusters not yet forwarded) or ``init``
    (an empty installation with one organizer, ``INIT_USERNAME``, as the secretariat sets it up:
    ``flask --app wsgi init``)."""
    with fresh_database_url(tmp, "e2e") as database_url:
        env = dict(os.environ)
        env.update({
            "AWARDS_DATABASE_URL": database_url,
            "AWARDS_INSTANCE_DIR": str(tmp),
            "AWARDS_UPLOAD_FOLDER": str(tmp / "uploads"),
            "AWARDS_OUTPUT_FOLDER": str(tmp / "output"),
            "AWARDS_HUEY_SQLITE": str(tmp / "huey.sqlite3"),
            "AWARDS_DEMO_PASSWORD": PASSWORD,
            "AWARDS_CONFIG": "development",
            "AWARDS_LOGIN_RATE_LIMIT": "5 per minute;30 per hour",
        })
        env.pop("AWARDS_REDIS_URL", None)
        port = _free_port()
        if production:
            # As `make serve` runs it: the production config (Secure cookies, which Chromium keeps for
            # http://localhost), gunicorn with two workers, jobs and sessions in Redis under a prefix of this run.
            # Two-factor sign-in stays off here: the set-up story is about the secretariat's work, and
            # `make test-prod` walks the two-factor enrolment under the same config.
            env.update({"AWARDS_CONFIG": "production", "AWARDS_SECRET_KEY": secrets.token_urlsafe(48),
                        "AWARDS_REQUIRE_TOTP": "0", "AWARDS_REDIS_URL": "redis://127.0.0.1:6379/0",
                        "AWARDS_REDIS_PREFIX": f"tandis-e2e-{os.getpid()}-{port}", "AWARDS_WEB_WORKERS": "2",
                        "AWARDS_BIND": f"127.0.0.1:{port}", "AWARDS_REQUEST_LOG": "0"})
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        command = PREPARATIONS[prepare]
        if prepare == "init":
            env["AWARDS_INIT_PASSWORD"] = INIT_PASSWORD
        seeded = subprocess.run([*flask, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        env.pop("AWARDS_INIT_PASSWORD", None)
        if seeded.returncode != 0:
            raise RuntimeError(f"{prepare} failed:\n" + seeded.stdout + seeded.stderr)
        log = open(tmp / "server.log", "w")  # noqa: SIM115  (closed at teardown)
        if production:
            gunicorn = Path(sys.executable).with_name("gunicorn")
            serve = [str(gunicorn), "--config", "deploy/gunicorn.conf.py"]
        else:
            serve = [*flask, "run", "--host", "127.0.0.1", "--port", str(port)]
        servers = [subprocess.Popen(serve, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)]
        consumer = None
        consumer_bin = Path(sys.executable).with_name("huey_consumer")
        if (ROOT / "awards" / "tasks.py").exists() and consumer_bin.exists():
            consumer = subprocess.Popen([str(consumer_bin), "awards.tasks.huey", "-w", "1", "-q"], cwd=ROOT,
                                        env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://{'localhost' if production else '127.0.0.1'}:{port}"

        def restart() -> None:
            """Stop the web server and start it again on the same port and database (it reads the demo clock)."""
            servers[-1].terminate()
            servers[-1].wait(timeout=10)
            servers.append(subprocess.Popen(serve, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            _wait_until_up(servers[-1], port, tmp / "server.log")

        try:
            _wait_until_up(servers[-1], port, tmp / "server.log")
            SERVED_ENV[base] = env
            RESTARTS[base] = restart
            yield base
        finally:
            SERVED_ENV.pop(base, None)
            RESTARTS.pop(base, None)
            for proc in (servers[-1], consumer):
                if proc is not None:
                    proc.terminate()
                    proc.wait(timeout=10)
            log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The demo app shared by the modules that only read it or make changes no other module depends on.

    Nothing run against it may move the cycle's timeline: modules that do use ``fresh_server``.
    """
    with _serve(tmp_path_factory.mktemp("e2e")) as base:
        yield base


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """A demo app of the module's own (the story moves the timeline and freezes results: nobody else sees it)."""
    with _serve(tmp_path_factory.mktemp("e2e-fresh")) as base:
        yield base


@pytest.fixture(scope="module")
def final_server(tmp_path_factory):
    """A demo app of the module's own carried to its end: results final, the ceremony held, the winners public."""
    with _serve(tmp_path_factory.mktemp("e2e-final"), prepare="seed-demo-final") as base:
        yield base


@pytest.fixture(scope="module")
def results_server(tmp_path_factory):
    """A demo app of the module's own in the results phase: every sheet in, every category final but the cluster."""
    with _serve(tmp_path_factory.mktemp("e2e-results"), prepare="seed-demo-results") as base:
        yield base


@pytest.fixture(scope="module")
def provincial_server(tmp_path_factory):
    """A demo app of the module's own in provincial selection: every working group's sheets in, Fars's two
    clusters (Maskati Lari first) ranked and waiting for its chair."""
    with _serve(tmp_path_factory.mktemp("e2e-provincial"), prepare="seed-demo-provincial") as base:
        yield base


@pytest.fixture(scope="module")
def init_server(tmp_path_factory):
    """An app of the module's own on a database ``flask init`` set up: no demo, no cycle, one organizer."""
    with _serve(tmp_path_factory.mktemp("e2e-init"), prepare="init") as base:
        yield base


@pytest.fixture(scope="module")
def init_production_server(tmp_path_factory):
    """Like ``init_server``, served as production serves it: gunicorn, the production config, Redis."""
    with _serve(tmp_path_factory.mktemp("e2e-prod"), prepare="init", production=True) as base:
        yield base


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fa-IR", "timezone_id": "Asia/Tehran"}


@pytest.fixture
def page(page):
    """Pytest-playwright's page, accepting the app's confirmation dialogs (``data-confirm``) like a user would."""
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_default_timeout(15_000)
    return page


def sign_in(page, base: str, username: str, password: str = PASSWORD):
    """Sign the page in as a demo user through the login form (after dropping any previous session).

    The page leaves for about:blank first: a stylesheet or font of the last page still loading would otherwise
    bring the previous session cookie back after the cookies are cleared (every response refreshes it).
    """
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="ورود", exact=True).click()
    expect(page.locator("form[action$='/logout']")).to_have_count(1)
    return page


@pytest.fixture
def signed_in(page, live_server):
    """Return a function that signs the page in as a demo user of the shared server."""

    def _sign_in(username: str, password: str = PASSWORD):
        return sign_in(page, live_server, username, password)

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
    if not page.evaluate("() => 'axe' in window"):
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
