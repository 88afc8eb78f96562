"""The evaluation inbox, the citations list and the assignment page at scale: paged, same statements at 10 and
1,000 nominations, HTML bounded."""

from __future__ import annotations

import re

from awards.enums import NominationState
from tests.screening.conftest import count_statements
from tests.screening.test_queues import bulk_add


def _statements(client, path: str) -> int:
    client.get(path)  # the first load may add conflict flags for the new nominations: not what is measured
    with count_statements() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_inbox_pages_each_committee_with_the_same_statements_at_10_and_1000(client, session, demo, login_as):
    login_as("winners-1")
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    few = _statements(client, "/evaluation/")
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    many = _statements(client, "/evaluation/")
    assert many == few
    html = client.get("/evaluation/").get_data(as_text=True)
    assert len(re.findall(r'href="/evaluation/\d+/winners"', html)) == 25
    assert "page_winners=2" in html
    assert len(html.encode()) < 200_000
    second = client.get("/evaluation/?page_winners=2").get_data(as_text=True)
    assert "۲۶ تا ۵۰ از" in second


def test_citations_list_pages_searches_and_keeps_statements(client, session, demo, login_as):
    login_as("content-1")
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    few = _statements(client, "/evaluation/citations")
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    assert _statements(client, "/evaluation/citations") == few
    html = client.get("/evaluation/citations").get_data(as_text=True)
    assert len(re.findall(r'href="/evaluation/citations/\d+"', html)) == 25
    assert len(html.encode()) < 200_000
    found = client.get("/evaluation/citations", query_string={"q": "شركت انبوه 512"}).get_data(as_text=True)
    assert "شرکت انبوه 512<" in found and "شرکت انبوه 513<" not in found
    kept = client.get("/evaluation/citations?q=انبوه&state=in_evaluation").get_data(as_text=True)
    assert "state=in_evaluation" in kept and "page=2" in kept


def test_assignment_page_pages_the_nominees(client, session, demo, login_as):
    login_as("admin")
    category = demo.categories["industry"].id
    bulk_add(session, demo, 10, state=NominationState.IN_EVALUATION)
    few = _statements(client, f"/evaluation/assignments/{category}")
    bulk_add(session, demo, 990, state=NominationState.IN_EVALUATION, start=10)
    assert _statements(client, f"/evaluation/assignments/{category}") == few
    html = client.get(f"/evaluation/assignments/{category}").get_data(as_text=True)
    assert f"/evaluation/assignments/{category}?page=2" in html
    assert len(html.encode()) < 200_000
