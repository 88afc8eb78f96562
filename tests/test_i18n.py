"""Refusals in the reader's language: services' messages follow the language switch, digits included."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import flask
import pytest

from awards import clock, i18n
from awards.demo import jalali_moment
from awards.enums import NominationState
from awards.labels import LABELS
from awards.nominations import documents, services
from tests.conftest import csrf_token
from tests.evaluation.factories import nomination_named, sheet_data, sheet_url
from tests.nominations.conftest import MASKATI, by_name, demo_pdf, post

PERSIAN_LETTERS = re.compile(r"[\u0600-\u06FF]")
AWARDS = Path(__file__).resolve().parents[1] / "awards"
PHARMA = "شرکت داروسازی زاگرس‌فارمد"  # Tehran, submitted
STEEL = "شرکت فولاد سپاهان نوین"  # Isfahan, in evaluation


def _english(client) -> None:
    response = client.post("/language/en", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    assert response.status_code == 302


def _field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<div id="{re.escape(field_id)}-error" class="invalid-feedback d-block">([^<]+)<', html)
    assert match, f"no error beside {field_id}"
    return match.group(1).strip()


def _flashes(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'role="alert">\s*([^<]+?)\s*<button', html)]


def _assert_english(message: str, expected: str) -> None:
    assert message == expected
    assert not PERSIAN_LETTERS.search(message), message


def test_i18n_submit_outside_the_phase_refused_in_english(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    services.update_draft(session, actor=demo.users["fars"], nomination=nomination,
                          values={"founding_year": 1395, "employees": 320, "narrative": "شرح"})
    documents.add_document(session, actor=demo.users["fars"], nomination=nomination, filename="a.pdf",
                           data=demo_pdf("a"), upload_dir=demo.upload_dir, max_bytes=demo.max_bytes)
    session.commit()
    login_as("fars")
    _english(client)
    clock.freeze(jalali_moment(1404, 3, 1, 8, 0))
    response = post(client, f"/nominations/{nomination.id}/submit")
    [message] = _flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    _assert_english(message, "The period for submitting and withdrawing dossiers has ended or has not started yet.")
    assert by_name(session, MASKATI).state == NominationState.DRAFT


def test_i18n_incomplete_dossier_lists_fields_in_english(client, session, demo, login_as):
    nomination = by_name(session, MASKATI)
    login_as("fars")
    _english(client)
    response = post(client, f"/nominations/{nomination.id}/submit")
    [message] = _flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert message.startswith("The dossier is incomplete: ")
    assert "at least one attached evidence document." in message
    assert not PERSIAN_LETTERS.search(message), message
    assert by_name(session, MASKATI).state == NominationState.DRAFT


def test_i18n_bad_legal_id_in_the_dossier_form_in_english(client, session, demo, login_as):
    login_as("fars")
    _english(client)
    response = post(client, f"/nominations/new?category={demo.categories['industry'].id}",
                    {"nominee_name": "Test", "legal_id": "12345678901"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    _assert_english(_field_error(html, "legal_id"), "Invalid national company ID: its check digit does not match.")


def test_i18n_weak_password_refused_in_english(client, demo, login_as):
    login_as("fars")
    _english(client)
    token = csrf_token(client, "/account/password")
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": "demo-pass-1404", "new_password": "short-1",
        "new_password_again": "short-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    _assert_english(_field_error(html, "new_password"), "The password must be at least 10 characters long.")


def test_i18n_screening_return_without_reason_in_english(client, session, demo, login_as):
    nomination = nomination_named(session, PHARMA)
    login_as("provincial_affairs-1")
    _english(client)
    response = post(client, f"/screening/{nomination.id}/return", {"reason": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    message = _field_error(html, f"reason-{nomination.id}")
    assert "reason" in message.lower()
    assert not PERSIAN_LETTERS.search(message), message
    assert nomination_named(session, PHARMA).state == NominationState.SUBMITTED


def test_i18n_sheet_value_over_the_maximum_in_english_with_latin_digits(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    _english(client)
    response = post(client, sheet_url(steel), sheet_data(session, steel, ["20.5", "10", "10", "10"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The maximum score for this criterion is 20." in html
    assert "۲۰" not in html.split("The maximum score for this criterion is")[1][:10]


def test_i18n_sheet_value_over_the_maximum_stays_persian_by_default(client, session, demo, login_as):
    steel = nomination_named(session, STEEL)
    login_as("winners-1")
    response = post(client, sheet_url(steel), sheet_data(session, steel, ["20.5", "10", "10", "10"]))
    assert "بیشترین نمرهٔ این معیار ۲۰ است." in response.get_data(as_text=True)


@pytest.mark.parametrize(("language", "expected"), [("fa", "۱٬۲۰۰"), ("en", "1,200")])
def test_i18n_number_follows_the_request_language(app, language, expected):
    with app.test_request_context():
        flask.session["language"] = language
        assert i18n.number(1200) == expected
        assert i18n.digits("1404/06/04") == ("۱۴۰۴/۰۶/۰۴" if language == "fa" else "1404/06/04")


# --- no Persian refusal escapes gettext ----------------------------------------------------------------------

def _is_gettext(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {
        "_", "_l", "gettext", "lazy_gettext", "ngettext"}


def _bare_persian(node: ast.AST) -> list[ast.AST]:
    """Persian string literals (or f-strings) reachable from ``node`` without passing through gettext."""
    if _is_gettext(node):
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and PERSIAN_LETTERS.search(node.value):
        return [node]
    if isinstance(node, ast.JoinedStr) and any(
            isinstance(part, ast.Constant) and PERSIAN_LETTERS.search(str(part.value)) for part in node.values):
        return [node]
    return [found for child in ast.iter_child_nodes(node) for found in _bare_persian(child)]


#: Command-line output (bilingual, for an operator's terminal, never a browser).
CLI_MODULES = {"cli.py"}


def test_i18n_no_raise_carries_a_persian_literal_without_gettext():
    offenders = []
    for path in sorted(AWARDS.rglob("*.py")):
        if path.name in CLI_MODULES:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.exc is not None:
                for literal in _bare_persian(node.exc):
                    if isinstance(literal, ast.Constant) and len(literal.value.strip()) < 3:
                        continue  # a separator such as "، " is not a message
                    offenders.append(f"{path.relative_to(AWARDS.parent)}:{literal.lineno}")
    assert offenders == []


def test_i18n_refusal_outside_a_request_is_persian(app):
    # The CLI (seed-demo, imports) and background jobs call services with no request: the default language.
    with app.app_context():
        assert i18n.number(1200) == "۱٬۲۰۰"
        with pytest.raises(ValueError, match="فرمول پذیرفته نیست"):
            from awards.imports.sheets import formula_refused

            raise ValueError(formula_refused())


# --- numbers inside messages take the page's digits (awards/i18n.LocalizedDomain and the template _()) -------------

def _request(app, language: str | None):
    context = app.test_request_context("/")
    context.push()
    if language:
        flask.session["language"] = language
    return context


@pytest.mark.parametrize(("language", "expected"),
                         [(None, "۱۲ نشست دیگر پایان یافت."), ("en", "12 other sessions ended.")])
def test_i18n_number_in_a_python_message_takes_the_page_digits(app, language, expected):
    from flask_babel import gettext

    context = _request(app, language)
    try:
        assert gettext("%(count)s نشست دیگر پایان یافت.", count=12) == expected
    finally:
        context.pop()


def test_i18n_number_in_a_template_message_takes_persian_digits_and_text_stays_escaped(app):
    context = _request(app, None)
    try:
        html = flask.render_template_string("{{ _('%(n)s از %(q)s برگه', n=3, q='<b>') }}")
    finally:
        context.pop()
    assert html == "۳ از &lt;b&gt; برگه"


def test_i18n_text_and_flags_passed_to_a_message_are_left_as_written(app):
    from flask_babel import gettext

    context = _request(app, None)
    try:
        message = gettext("جایزه %(serial)s", serial="1404-CLUSTER-001")
        flag = gettext("%(count)s نشست دیگر پایان یافت.", count=True)
    finally:
        context.pop()
    assert "1404-CLUSTER-001" in message  # a serial passed as text is the caller's choice
    assert flag.startswith("True")


def test_no_two_labelled_enums_share_a_value():
    """Enum members are str: two of the same value are one key in LABELS, and the later label silently replaces
    the earlier (a publication's "draft" once renamed every draft dossier)."""
    labelled = {type(member) for member in LABELS if hasattr(member, "value")}
    owners: dict[str, type] = {}
    for enum in sorted(labelled, key=lambda e: e.__name__):
        for member in enum:
            assert member.value not in owners, (member, owners.get(member.value))
            owners[member.value] = enum


def test_language_filters_of_a_constant_follow_each_request(app):
    """Jinja would compute ``{{ 0|fa_number }}`` once at compile time, in the first request's digits."""
    template = app.jinja_env.from_string("{{ 503|fa_digits }} {{ 1234|fa_number }} {{ 12.5|score }}")
    rendered = {}
    for language in ("fa", "en", "fa"):
        with app.test_request_context("/"):
            flask.session["language"] = language
            rendered.setdefault(language, set()).add(template.render())
    assert rendered == {"fa": {"۵۰۳ ۱٬۲۳۴ ۱۲٫۵"}, "en": {"503 1,234 12.5"}}
