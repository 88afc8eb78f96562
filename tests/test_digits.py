"""Digits and dates at every edge (issue 13, item 7), checked by walking the demo as its users would.

Persian pages never show Latin digits in running text: not in prefilled fields, messages built from counts or
serials in a sentence. What may stay Latin is marked as such in the page (``dir="ltr"``, ``<code>``, ``<kbd>``) or is
an identifier a user types in Latin (a username, ``IR-07``, ``+98``, ``UTF-8``), listed in :data:`LATIN_ALLOWED`.
English pages show Jalali dates with English month names."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

from sqlalchemy import select

from awards.models import User
from tests.conftest import csrf_token, login

ROLES = ("admin", "fars", "winners-chair", "winners-1", "provincial_affairs-chair", "oversight-chair",
         "content-chair")
PAGES_PER_ROLE = 70
#: Latin text that is an identifier, not a number written for a Persian reader.
LATIN_ALLOWED = re.compile(r"IR-\d\d|\+98|UTF-8|1\.09E\+10")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIP_TAGS = {"script", "style", "code", "kbd", "samp", "pre", "textarea", "svg"}
SKIP_PATHS = ("/static", "/logout", "/language", "/verify")
SKIP_PARTS = ("/download", "/file", "/export", ".pdf", ".csv", ".xlsx", "/evidence/", "/documents/", "/template")
#: A Jalali date written with a Persian month name: "31 اردیبهشت 1404", whatever the digits.
PERSIAN_DATE = re.compile("[0-9۰-۹]{1,2} (فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) "
                          "[0-9۰-۹]{4}")


class _Page(HTMLParser):
    """The visible text of a page outside left-to-right islands, the values of its text fields, and its links."""

    def __init__(self, *, skip_ltr: bool = True):
        super().__init__()
        self.skip_ltr = skip_ltr
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self.values: list[tuple[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "input" and a.get("type", "text") in ("text", "search", "number", "tel") and a.get("value") \
                and a.get("dir") != "ltr":
            self.values.append((a.get("name") or "", a["value"]))
        if tag in VOID:
            return
        classes = (a.get("class") or "").split()
        ltr = self.skip_ltr and (a.get("dir") == "ltr" or "ltr" in classes or "font-monospace" in classes)
        self.stack.append((tag, tag in SKIP_TAGS or ltr))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if data.strip() and not any(skip for _, skip in self.stack):
            self.text.append(data.strip())


def _walk(client, start: str = "/", *, skip_ltr: bool = True):
    """Yield (path, parsed page) for the HTML pages reachable from ``start`` by same-site links."""
    seen, todo = set(), [start]
    while todo and len(seen) < PAGES_PER_ROLE:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        html = response.get_data(as_text=True) if "html" in response.content_type else ""
        response.close()  # a file download left open would warn
        if response.status_code != 200 or not html:
            continue
        page = _Page(skip_ltr=skip_ltr)
        page.feed(html)
        yield path, page
        for href in page.links:
            url = urlparse(urljoin("http://tandis" + path, href))
            if url.netloc != "tandis" or url.path.startswith(SKIP_PATHS) or any(p in url.path for p in SKIP_PARTS):
                continue
            target = url.path + (f"?{url.query}" if url.query and "page=" not in url.query else "")
            if target not in seen:
                todo.append(target)


def test_digits_persian_pages_show_no_latin_digits(app, session, demo_final):
    usernames = sorted(session.scalars(select(User.username)), key=len, reverse=True)
    allowed = re.compile("|".join([LATIN_ALLOWED.pattern, *map(re.escape, usernames)]))
    leaks, visited = [], 0
    for username in ROLES:
        client = app.test_client()
        login(client, username)
        for path, page in _walk(client):
            visited += 1
            leaks += [(username, path, text) for text in page.text if re.search("[0-9]", allowed.sub("", text))]
            leaks += [(username, path, f"{name}={value}") for name, value in page.values
                      if re.search("[0-9]", value)]
    assert visited > 100
    assert not leaks, "\n".join(f"{user} {path}: {text[:100]}" for user, path, text in leaks[:30])


def test_digits_english_pages_use_english_jalali_months(app, session, demo_final):
    client = app.test_client()
    login(client, "admin")
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    dated, leaks = 0, []
    for path, page in _walk(client, skip_ltr=False):  # the whole English page is left to right
        for text in page.text:
            if re.search(r"\b(Farvardin|Ordibehesht|Khordad|Tir|Mordad|Shahrivar|Mehr|Aban|Azar|Dey|Bahman|Esfand)\b "
                         r"1[34]\d\d", text):
                dated += 1
            if PERSIAN_DATE.search(text):
                leaks.append((path, text))
    assert dated > 0
    assert not leaks, leaks[:20]
