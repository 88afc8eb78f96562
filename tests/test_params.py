"""No URL a user can craft gives a 500: every route, hostile path values and query strings, signed in or not."""

from __future__ import annotations

import re

import pytest

from awards.params import INT_MAX, BoundedIntConverter, as_id, bounded_int
from tests.conftest import csrf_token

HOSTILE_PATH_VALUES = ["9223372036854775808", "99999999999999999999", str(2**31), str(2**64 + 1), "-1", "0", "1",
                       "1" * 400, "%09", "%00", "%0D%0A", "nonsense", "..%2F..%2Fetc", "\u06f1\u06f2"]
HOSTILE_QUERY = ("page=99999999999999999999&cycle=-1&state=nonsense&status=nonsense&date=1404/13/40"
                 "&date_from=1404/13/40&date_to=0000/00/00&category=9223372036854775808&province=-1"
                 "&nomination=99999999999999999999&action=nonsense&actor=%00&table=nonsense&q=%0D%0A"
                 "&committee=nonsense&tier=nonsense&fmt=nonsense&next=//evil.example")
LONG_QUERY = "q=" + "%D8%A7" * 1400  # about 8 KB
HOSTILE_FORM = {name: "99999999999999999999" for name in (
    "conflict_id", "committee_id", "member_id", "nomination_id", "assignment_id", "category", "province",
    "scope", "id", "sheet_id", "award_id", "positions", "cycle")}
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _urls(app, value: str):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, _VARIABLE.sub(value, rule.rule)


def _walk(app, client, token: str) -> list[tuple[str, str, int]]:
    failures = []
    for value in HOSTILE_PATH_VALUES:
        for rule, url in _urls(app, value):
            queries = [HOSTILE_QUERY, LONG_QUERY] if value in ("1", "0") else [HOSTILE_QUERY]
            if "GET" in rule.methods:
                for query in queries:
                    response = client.get(f"{url}?{query}")
                    if response.status_code >= 500:
                        failures.append(("GET", f"{url}?{query[:40]}", response.status_code))
            if "POST" in rule.methods and rule.endpoint not in ("auth.logout", "auth.login"):
                response = client.post(f"{url}?{HOSTILE_QUERY}", data={**HOSTILE_FORM, "csrf_token": token})
                if response.status_code >= 500:
                    failures.append(("POST", url, response.status_code))
    return failures


def test_route_walk_as_organizer_finds_no_500(app, client, demo, login_as):
    login_as("admin")
    token = csrf_token(client, "/")
    assert _walk(app, client, token) == []
    assert client.get("/").status_code == 200  # still signed in: nothing above signed the organizer out


def test_route_walk_as_province_user_finds_no_500(app, client, demo, login_as):
    login_as("fars")
    assert _walk(app, client, csrf_token(client, "/")) == []


def test_route_walk_anonymous_finds_no_500(app, client, demo):
    assert _walk(app, client, csrf_token(client, "/login")) == []


@pytest.mark.parametrize("path", ["/nominations/9223372036854775808", "/nominations/99999999999999999999",
                                  f"/nominations/{INT_MAX + 1}", "/nominations/-1", "/results/2147483648",
                                  "/certificates/awards/18446744073709551616.pdf"])
def test_id_beyond_database_range_is_persian_404(client, demo, login_as, path):
    login_as("admin")
    response = client.get(path)
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=-5", "page=0", "page=abc",
                                   "page=9223372036854775808"])
def test_page_beyond_range_shows_a_page(client, demo, login_as, query):
    login_as("admin")
    for path in ("/nominations/", "/audit/"):
        assert client.get(f"{path}?{query}").status_code == 200


@pytest.mark.parametrize("text", ["2147483648", "-2147483649", "99999999999999999999", "1" * 5000, "", " ", "1.5",
                                  "\u06f1", "0x10", "1e3"])
def test_bounded_int_refuses_out_of_range_or_non_decimal(text):
    with pytest.raises(ValueError):
        bounded_int(text)


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("2147483647", INT_MAX), ("-2147483648", -(2**31)),
                                                 (" 42 ", 42), ("+7", 7)])
def test_bounded_int_accepts_in_range(text, expected):
    assert bounded_int(text) == expected


@pytest.mark.parametrize(("value", "expected"), [("12", 12), ("0", None), ("-3", None), (None, None),
                                                  ("2147483648", None), ("abc", None)])
def test_as_id_gives_positive_id_or_none(value, expected):
    assert as_id(value) == expected


def test_int_converter_is_the_bounded_one(app):
    assert app.url_map.converters["int"] is BoundedIntConverter


@pytest.mark.parametrize("path", ["/verify/%00abc", "/nominations/?q=%00", "/audit/?actor=%00", "/login?next=%00"])
def test_nul_character_in_url_is_persian_400(client, demo, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "درخواست نامعتبر" in response.get_data(as_text=True)


def test_nul_character_in_form_is_refused(client, demo):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "fa\x00rs", "password": "x", "csrf_token": token})
    assert response.status_code == 400
