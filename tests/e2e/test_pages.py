"""Every main page of every role: right to left, accessible (axe-core), no horizontal scroll at 375 px,
with desktop and phone screenshots saved under tests/e2e/screenshots/."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations, horizontal_overflow, screenshot

#: (username, path, a file-name-safe label)
MAIN_PAGES = [
    (None, "/login", "login"),
    ("admin", "/", "admin-dashboard"),
    ("fars", "/", "fars-dashboard"),
    ("winners-chair", "/", "winners-chair-dashboard"),
]


@pytest.mark.parametrize(("username", "path", "label"), MAIN_PAGES, ids=[p[2] for p in MAIN_PAGES])
def test_main_page_rtl_accessible_and_fits_phone(page, live_server, signed_in, username, path, label):
    if username:
        signed_in(username)
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(live_server + path)
    assert response.status == 200
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    screenshot(page, f"{label}-desktop")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    screenshot(page, f"{label}-phone")
    assert horizontal_overflow(page) == 0
