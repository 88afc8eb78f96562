"""Every main page of every role: right to left, accessible (axe-core), no horizontal scroll at 375 px,
with desktop and phone screenshots saved under tests/e2e/screenshots/.

The pages are read on the shared demo server as the seed leaves it (20 Ordibehesht 1404, nominations open). The
pages the story reaches in later states (a returned dossier, a frozen result, an award, its verification) are
checked the same way by test_story.py.
"""

from __future__ import annotations

import re

import pytest

from awards.demo import MASKATI
from tests.e2e.conftest import axe_violations, horizontal_overflow, screenshot, sign_in

#: Seed records the paths below name, found through the UI (never by id guessing): placeholder -> visible name.
NOMINATIONS = {"maskati": MASKATI, "company": "شرکت صنایع الکترونیک پارس شیراز", "carpet": "خوشه فرش دستباف کاشان"}
CATEGORIES = {"cluster": "خوشهٔ صنعتی برتر"}

#: (username or None for a visitor, path with {placeholders}, file-name-safe label, expected status)
MAIN_PAGES = [
    (None, "/login", "login", 200),
    (None, "/verify/", "verify-lookup", 200),
    (None, "/verify/no-such-certificate", "verify-unknown", 404),
    # The dashboard of each role.
    ("admin", "/", "admin-dashboard", 200),
    ("fars", "/", "fars-dashboard", 200),
    ("provincial_affairs-chair", "/", "screening-chair-dashboard", 200),
    ("oversight-chair", "/", "oversight-chair-dashboard", 200),
    ("winners-chair", "/", "winners-chair-dashboard", 200),
    ("winners-1", "/", "member-dashboard", 200),
    ("content-chair", "/", "content-chair-dashboard", 200),
    # The province officer's workspace.
    ("fars", "/nominations/", "fars-nominations", 200),
    ("fars", "/nominations/new", "fars-new-choose-category", 200),
    ("fars", "/nominations/new?category={cluster}", "fars-new-dossier-form", 200),
    ("fars", "/nominations/{maskati}/edit", "fars-edit-dossier-form", 200),
    ("fars", "/nominations/{maskati}", "fars-draft-dossier", 200),
    ("fars", "/nominations/{company}", "fars-dossier-in-evaluation", 200),
    ("fars", "/imports/", "fars-imports", 200),
    ("admin", "/nominations/", "admin-nominations", 200),
    # Screening and compliance.
    ("provincial_affairs-chair", "/screening/", "screening-queue", 200),
    ("oversight-chair", "/screening/compliance", "compliance-queue", 200),
    # Evaluation.
    ("winners-1", "/evaluation/", "evaluation-inbox", 200),
    ("winners-1", "/evaluation/{carpet}/winners", "score-sheet", 200),
    ("admin", "/evaluation/", "evaluation-setup", 200),
    ("admin", "/evaluation/rubric/{cluster}", "rubric", 200),
    ("admin", "/evaluation/assignments/{cluster}", "assignments", 200),
    ("admin", "/evaluation/conflicts", "conflicts", 200),
    ("content-chair", "/evaluation/citations", "citations", 200),
    ("content-chair", "/evaluation/citations/{carpet}", "citation", 200),
    # Results, cycle, audit, certificates.
    ("admin", "/results/", "results", 200),
    ("admin", "/results/{cluster}", "results-category", 200),
    ("winners-chair", "/results/", "results-before-evaluation-closes", 200),
    ("admin", "/cycles/", "cycles", 200),
    ("admin", "/cycles/{cycle}/timeline", "timeline", 200),
    ("admin", "/cycles/{cycle}/ceremony", "ceremony-postponement", 200),
    ("admin", "/audit/", "audit-log", 200),
    ("oversight-chair", "/audit/", "oversight-audit-log", 200),
    ("admin", "/certificates/", "certificates", 200),
    ("admin", "/certificates/signatories", "signatories", 200),
    # The error pages.
    ("fars", "/cycles/", "error-403", 403),
    ("tehran", "/nominations/{maskati}", "error-404", 404),
]


@pytest.fixture(scope="session")
def signed_in_states(browser, browser_context_args, live_server):
    """Return a function giving a user's signed-in browser state: each user signs in once a session."""
    states: dict[str, dict] = {}

    def _state(username: str) -> dict:
        if username not in states:
            context = browser.new_context(**browser_context_args)
            sign_in(context.new_page(), live_server, username)
            states[username] = context.storage_state()
            context.close()
        return states[username]

    return _state


@pytest.fixture
def visit_as(browser, browser_context_args, signed_in_states):
    """Return a function opening a page signed in as a user (or as a visitor, for None); closed after the test."""
    contexts = []

    def _visit_as(username: str | None):
        state = signed_in_states(username) if username is not None else None
        context = browser.new_context(**browser_context_args, storage_state=state)
        contexts.append(context)
        return context.new_page()

    yield _visit_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def seed_ids(browser, browser_context_args, signed_in_states, live_server) -> dict[str, int]:
    """The ids of the seed records the paths name, read from the organizer's lists."""
    context = browser.new_context(**browser_context_args, storage_state=signed_in_states("admin"))
    page = context.new_page()
    ids = {}
    page.goto(live_server + "/nominations/")
    for key, name in NOMINATIONS.items():
        href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
        ids[key] = int(re.search(r"/nominations/(\d+)", href).group(1))
    page.goto(live_server + "/results/")
    for key, title in CATEGORIES.items():
        href = page.get_by_role("link", name=title, exact=True).get_attribute("href")
        ids[key] = int(re.search(r"/results/(\d+)", href).group(1))
    page.goto(live_server + "/cycles/")
    href = page.get_by_role("link", name="ویرایش زمان‌بندی و تمدید مهلت").first.get_attribute("href")
    ids["cycle"] = int(re.search(r"/cycles/(\d+)/", href).group(1))
    context.close()
    return ids


@pytest.mark.parametrize(("username", "path", "label", "status"), MAIN_PAGES, ids=[p[2] for p in MAIN_PAGES])
def test_main_page_rtl_accessible_and_fits_phone(visit_as, live_server, seed_ids, username, path, label, status):
    page = visit_as(username)
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(live_server + path.format(**seed_ids))
    assert response.status == status
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    assert page.locator("h1").count() == 1
    if username is not None:
        assert page.locator("form[action$='/logout']").count() == 1  # still signed in: the page is the role's
    screenshot(page, f"{label}-desktop")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    screenshot(page, f"{label}-phone")
    assert horizontal_overflow(page) == 0
    assert axe_violations(page) == []  # a phone shows another layout: collapsed menu, stacked or scrolling tables
