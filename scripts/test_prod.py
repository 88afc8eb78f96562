"""Production smoke test (``make test-prod``): Tandis served as production serves it, checked over HTTP.

1. A fresh PostgreSQL database, migrated with ``flask --app wsgi db upgrade`` under the production config.
2. The first organizer (``ORGANIZER_COMMAND`` below), then a cycle with final results to print (the demo's
   1404 story carried to its frozen result, loaded through the services under the development config:
   ``seed-demo`` itself rightly refuses production).
3. ``make serve-processes`` (gunicorn with several workers + the Huey consumer on Redis) with
   ``AWARDS_CONFIG=production``, a random 48-character secret key, on a free port, behind nothing: the requests
   carry ``X-Forwarded-Proto: https`` with ``AWARDS_TRUSTED_PROXIES=1``, as nginx would send them.
4. Checks: ``/healthz`` is 200 with every check up; the session cookie is Secure; HSTS is present; the Server
   header names no version; an organizer signs in, is sent to set up two-factor sign-in (production requires
   it), enrols with a code computed here, signs out and in again with password and code; a bulk print job
   runs through the Redis consumer to done; its PDF downloads.
5. Every server is stopped and the database dropped, whatever happened (``finally``).

Redis keys use a prefix of this run's own (``tandis-smoke-<pid>``), deleted at the end.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ADMIN_URL = os.environ.get("AWARDS_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("AWARDS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
USERNAME, PASSWORD = "smoke-organizer", "smoke-" + secrets.token_urlsafe(12)

# The first organizer, as an administrator makes it: `init` (the password comes from AWARDS_INIT_PASSWORD,
# which run() sets).
ORGANIZER_COMMAND = [PY, "-m", "flask", "--app", "wsgi", "init", "--username", USERNAME,
                     "--full-name", "دبیرخانهٔ آزمون"]


def step(message: str) -> None:
    print(f"--> {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """A tiny HTTP client that keeps cookies itself (Secure ones too: TLS is nginx's job, simulated here)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "Host": "tandis.test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "https://tandis.test" + path
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response, data

    def csrf(self, path: str) -> str:
        _, data = self.request("GET", path)
        match = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', data)
        assert match, f"no CSRF token on {path}"
        return match.group(1).decode()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)
    print(f"    ok: {message}", flush=True)


def run() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    started = time.monotonic()
    tag = f"smoke_{os.getpid()}"
    admin_url = make_url(ADMIN_URL)
    database = f"awards_prod_{tag}"
    database_url = admin_url.set(database=database).render_as_string(hide_password=False)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    tmp = Path(tempfile.mkdtemp(prefix="tandis-prod-"))
    port = free_port()
    prefix = f"tandis-smoke-{os.getpid()}"
    env = dict(os.environ)
    env.update({
        "AWARDS_CONFIG": "production",
        "AWARDS_SECRET_KEY": secrets.token_urlsafe(36)[:48],
        "AWARDS_DATABASE_URL": database_url,
        "AWARDS_REDIS_URL": REDIS_URL,
        "AWARDS_REDIS_PREFIX": prefix,
        "AWARDS_INSTANCE_DIR": str(tmp),
        "AWARDS_UPLOAD_FOLDER": str(tmp / "uploads"),
        "AWARDS_OUTPUT_FOLDER": str(tmp / "output"),
        "AWARDS_TRUSTED_PROXIES": "1",
        "AWARDS_WEB_WORKERS": "3",
        "AWARDS_CERTIFICATE_WORKERS": "1",
        "AWARDS_MIN_FREE_DISK_MB": "50",
        "AWARDS_INIT_PASSWORD": PASSWORD,
        "HOST": "127.0.0.1",
        "PORT": str(port),
    })
    server = None
    log_path = tmp / "serve.log"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        step(f"fresh database {database}: db upgrade (production config)")
        subprocess.run([PY, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True)  # noqa: S603
        step("the first organizer")
        subprocess.run(ORGANIZER_COMMAND, cwd=ROOT, env=env, check=True)  # noqa: S603
        step("a cycle with final results (the demo story, loaded through the services)")
        seed_env = {**env, "AWARDS_CONFIG": "development"}
        subprocess.run([PY, "-c", SEED], cwd=ROOT, env=seed_env, check=True)  # noqa: S603

        step(f"make serve-processes on port {port} (gunicorn + consumer, Redis prefix {prefix})")
        with open(log_path, "w") as log:
            server = subprocess.Popen(["make", "--no-print-directory", "serve-processes"], cwd=ROOT, env=env,  # noqa: S607
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = Client(port)
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline:
            try:
                response, body = client.request("GET", "/healthz")
                health = (response.status, body)
                if response.status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                raise RuntimeError("make serve-processes exited:\n" + log_path.read_text())
            time.sleep(0.5)
        check(health is not None and health[0] == 200, f"/healthz answers 200: {health}")
        print(f"    serving after {time.monotonic() - started:.1f}s", flush=True)

        response, _ = client.request("GET", "/login")
        server_header = response.getheader("Server") or ""
        check(not re.search(r"\d", server_header), f"the Server header names no version: {server_header!r}")
        hsts = response.getheader("Strict-Transport-Security") or ""
        check(hsts.startswith("max-age="), f"HSTS is present: {hsts!r}")
        session_cookies = [h for h in client.set_cookie_headers if h.startswith("session=")]
        check(bool(session_cookies) and all("; Secure" in h for h in session_cookies),
              "the session cookie is Secure")
        check(all("HttpOnly" in h for h in session_cookies), "the session cookie is HttpOnly")

        token = client.csrf("/login")
        response, _ = client.request("POST", "/login", {"username": USERNAME, "password": PASSWORD,
                                                        "csrf_token": token})
        check(response.status == 302, f"the organizer signs in ({response.status})")
        two_factor(client)
        response, page = client.request("GET", "/certificates/")
        check(response.status == 200, "the certificates page answers")
        token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1).decode()
        scope = re.search(rb'<option value="(\d+)"', page)
        check(scope is not None, "a final category is offered for printing")
        response, _ = client.request("POST", "/certificates/print",
                                     {"csrf_token": token, "scope": scope.group(1).decode(), "fmt": "pdf"})
        location = response.getheader("Location") or ""
        job = re.search(r"/certificates/jobs/(\d+)", location)
        check(response.status == 302 and job is not None, f"a bulk print job is queued ({location})")
        print_started = time.monotonic()
        status = None
        while time.monotonic() - print_started < 180:
            response, body = client.request("GET", f"/certificates/jobs/{job.group(1)}.json")
            status = json.loads(body)
            if status["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
        check(status and status["state"] == "done", f"the Redis consumer ran the job to done: {status}")
        print(f"    job done in {time.monotonic() - print_started:.1f}s ({status['total']} certificates)", flush=True)
        response, pdf = client.request("GET", status["download"])
        check(response.status == 200 and pdf.startswith(b"%PDF-") and len(pdf) > 1000,
              f"the PDF downloads ({len(pdf)} bytes)")
        logged = log_path.read_text()
        check('"route":"certificates.print_bulk"' in logged and '"user_id":' in logged,
              "requests are logged one JSON line each")
        print(f"==> production smoke test passed in {time.monotonic() - started:.1f}s", flush=True)
    except BaseException:
        if log_path.exists():
            print("---- serve log (tail) ----\n" + "\n".join(log_path.read_text().splitlines()[-60:]))
        raise
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if server is not None:
            # gunicorn's workers and the consumer's render processes share the group: none may outlive us.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
        _clear_redis(prefix)
        shutil.rmtree(tmp, ignore_errors=True)


def totp_code(secret: str, at: float) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), written here again so the app's own code is checked, not reused."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000).zfill(6)


def two_factor(client: Client) -> None:
    """Production requires two-factor sign-in of organizers: enrol through the pages, sign out, sign in with it."""
    response, _ = client.request("GET", "/certificates/")
    location = response.getheader("Location") or ""
    check(response.status == 302 and location.endswith("/account/two-factor"),
          f"an organizer without two-factor sign-in is sent to set it up ({response.status} {location})")
    response, page = client.request("GET", "/account/two-factor")
    secret = re.search(rb'totp-secret" dir="ltr">([A-Z2-7 ]+)<', page)
    check(response.status == 200 and secret is not None and b'src="data:image/svg+xml' in page,
          "the enrolment page shows the QR code and the key")
    secret = secret.group(1).decode().replace(" ", "")
    token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1).decode()
    response, _ = client.request("POST", "/account/two-factor",
                                 {"csrf_token": token, "code": totp_code(secret, time.time())})
    check(response.status == 302, f"enrolment confirmed by a code ({response.status})")
    response, page = client.request("GET", "/account/two-factor/recovery-codes")
    codes = re.findall(rb'<code class="fs-6">([a-z0-9]{5}-[a-z0-9]{5})</code>', page)
    check(response.status == 200 and len(codes) == 10, "ten recovery codes shown once")
    response, _ = client.request("POST", "/logout", {"csrf_token": client.csrf("/")})
    check(response.status == 302, "signed out")
    response, _ = client.request("POST", "/login", {"username": USERNAME, "password": PASSWORD,
                                                    "csrf_token": client.csrf("/login")})
    location = response.getheader("Location") or ""
    check(response.status == 302 and location.endswith("/login/two-factor"),
          f"the password alone leads to the second step ({location})")
    response, _ = client.request("GET", "/certificates/")
    check(response.status == 302 and "/login" in (response.getheader("Location") or ""),
          "nobody is signed in before the code")
    # The enrolment used this 30-second step's code: the next step's code (inside the window) signs in now.
    response, _ = client.request("POST", "/login/two-factor", {"csrf_token": client.csrf("/login/two-factor"),
                                                               "code": totp_code(secret, time.time() + 30)})
    check(response.status == 302 and (response.getheader("Location") or "").endswith("/"),
          f"the organizer signs in with the app's code ({response.status})")


def _clear_redis(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)


SEED = """
from awards import create_app
from awards.db import db
from awards.demo import run_to_final, seed_demo

app = create_app()
with app.app_context():
    session = db.session_factory()
    context = seed_demo(session, password=app.config["DEMO_PASSWORD"], upload_dir=app.config["UPLOAD_FOLDER"],
                        max_bytes=app.config["MAX_UPLOAD_BYTES"])
    run_to_final(session, context)
    session.commit()
"""


if __name__ == "__main__":
    run()
