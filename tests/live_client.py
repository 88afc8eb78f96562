"""A tiny browser for a live server (the concurrency test and the scale benchmark): cookies, CSRF tokens, no
redirect following, one HTTP connection per request. Standard library only."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


def csrf(html: str) -> str:
    """The CSRF token of the first form on the page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class Browser:
    """One user's browser: keeps the cookies the server sets, sends them back."""

    def __init__(self, base_url: str, *, timeout: float = 60) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "fa"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if (morsel["expires"] and "1970" in morsel["expires"]) or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, data)

    def login(self, username: str, password: str, *, busy_retries: int = 5) -> None:
        """Sign in through the form; a busy 503 is sent again after a moment (the user would retype the
        password the try-again page does not keep)."""
        token = csrf(self.get("/login").text)
        answer = self.post("/login", {"username": username, "password": password, "csrf_token": token})
        while answer.status == 503 and busy_retries > 0:
            busy_retries -= 1
            time.sleep(1)
            answer = self.post("/login", {"username": username, "password": password, "csrf_token": token})
        if answer.status != 302:
            raise RuntimeError(f"login as {username} failed: {answer.status}")
        self.get(urlsplit(answer.location).path or "/")


def wait_until_up(base_url: str, *, seconds: float = 60) -> None:
    """Wait for a server to answer (its sign-in page: /healthz also judges the job consumer)."""
    deadline = time.monotonic() + seconds
    browser = Browser(base_url, timeout=5)
    while True:
        try:
            if browser.get("/login").status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base_url} did not come up in {seconds:.0f} s")
        time.sleep(0.2)
