"""run_service: success commits once and redirects; a refusal rolls back and shows beside its field or flashes."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages, render_template_string, request
from flask_wtf import FlaskForm
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from wtforms import FieldList, FormField, StringField
from wtforms import Form as PlainForm

from awards.errors import DomainError
from awards.evaluation.services import FormErrors
from awards.extensions import csrf, db
from awards.models import Setting
from awards.web import WHOLE_FORM, run_service


class NoteForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    reason = StringField()


class RowForm(PlainForm):
    title = StringField()


class RowsForm(FlaskForm):
    class Meta:
        csrf = False

    rows = FieldList(FormField(RowForm), min_entries=2)


def _write(key: str, *, refuse: DomainError | None = None) -> str:
    """A stand-in service: writes a row and flushes, then refuses when told to (as real services do)."""
    db.session.add(Setting(key=key, value=1))
    db.session.flush()
    if refuse is not None:
        raise refuse
    return key


def _keys(session) -> list[str]:
    return list(session.scalars(select(Setting.key).where(Setting.key.like("test-%"))))


@pytest.fixture
def commits(app):
    """Count the commits of the request's database session."""
    counted = []

    def _count(_session):
        counted.append(1)

    event.listen(Session, "after_commit", _count)
    yield counted
    event.remove(Session, "after_commit", _count)


def test_run_service_success_commits_once_flashes_and_redirects(app, session, commits):
    with app.test_request_context("/", method="POST"):
        response = run_service(lambda: _write("test-ok"), done=lambda key: f"saved {key}", to="/done")
        flashes = get_flashed_messages(with_categories=True)
    assert (response.status_code, response.location) == (302, "/done")
    assert flashes == [("success", "saved test-ok")]
    assert commits == [1]
    assert _keys(session) == ["test-ok"]


def test_run_service_success_target_and_category_from_the_value(app, session, commits):
    with app.test_request_context("/", method="POST"):
        response = run_service(lambda: _write("test-value"), done=lambda key: (key, "info"),
                               to=lambda key: f"/things/{key}", back="/things")
        flashes = get_flashed_messages(with_categories=True)
    assert response.location == "/things/test-value"
    assert flashes == [("info", "test-value")]
    assert commits == [1]


def test_run_service_then_answers_instead_of_the_redirect(app, session, commits):
    with app.test_request_context("/", method="POST"):
        response = run_service(lambda: _write("test-then"), done="not shown", to="/done",
                               then=lambda key: app.response_class(f"page {key}"))
        flashes = get_flashed_messages()
    assert (response.status_code, response.get_data(as_text=True)) == (200, "page test-then")
    assert flashes == []
    assert commits == [1]
    assert _keys(session) == ["test-then"]


def test_run_service_refusal_rolls_back_flashes_and_redirects_back(app, session, commits):
    with app.test_request_context("/", method="POST"):
        response = run_service(lambda: _write("test-refused", refuse=DomainError("نه")), done="saved",
                               to="/done", back="/form")
        flashes = get_flashed_messages(with_categories=True)
    assert (response.status_code, response.location) == (302, "/form")
    assert flashes == [("danger", "نه")]
    assert commits == []
    assert _keys(session) == []


def test_run_service_refusal_without_form_goes_back_to_the_target(app, session):
    with app.test_request_context("/", method="POST"):
        response = run_service(lambda: _write("test-refused", refuse=DomainError("نه")), to="/done",
                               refusal_category="warning")
        flashes = get_flashed_messages(with_categories=True)
    assert response.location == "/done"
    assert flashes == [("warning", "نه")]
    assert _keys(session) == []


def test_run_service_without_form_or_url_target_is_refused_up_front(app):
    with app.test_request_context("/", method="POST"), pytest.raises(ValueError):
        run_service(lambda: "x", to=lambda value: f"/{value}")


def test_run_service_refusal_attaches_to_the_named_field_and_asks_for_a_render(app, session):
    with app.test_request_context("/", method="POST", data={"name": "typed", "reason": "kept"}):
        form = NoteForm()
        response = run_service(lambda: _write("test-field", refuse=DomainError("دلیل کوتاه است", field="reason")),
                               form=form, done="saved", to="/done")
        flashes = get_flashed_messages()
    assert response is None
    assert form.reason.errors == ["دلیل کوتاه است"]
    assert (form.name.data, form.reason.data) == ("typed", "kept")
    assert flashes == []
    assert _keys(session) == []


def test_run_service_refusal_of_no_field_goes_to_the_fallback(app, session):
    with app.test_request_context("/", method="POST"):
        field_form, whole_form, flashed_form = NoteForm(), NoteForm(), NoteForm()
        run_service(lambda: _write("test-a", refuse=DomainError("یک")), form=field_form, field="name", to="/")
        run_service(lambda: _write("test-b", refuse=DomainError("دو", field="other")), form=whole_form,
                    field=WHOLE_FORM, to="/")
        response = run_service(lambda: _write("test-c", refuse=DomainError("سه")), form=flashed_form, to="/")
        flashes = get_flashed_messages(with_categories=True)
    assert field_form.name.errors == ["یک"]
    assert whole_form.form_errors == ["دو"]
    assert (response, flashed_form.errors, flashes) == (None, {}, [("danger", "سه")])
    assert _keys(session) == []


def test_run_service_renames_service_fields_to_form_fields(app):
    with app.test_request_context("/", method="POST"):
        form = NoteForm()
        run_service(lambda: _write("test-x", refuse=DomainError("بد", field="password")), form=form,
                    fields={"password": "reason"}, to="/")
    assert form.reason.errors == ["بد"]


def test_run_service_form_errors_go_beside_each_field_nested_or_above_the_form(app, session):
    errors = {"rows-1-title": "عنوان تکراری", 7: "بیرون از فرم"}
    with app.test_request_context("/", method="POST"):
        form = RowsForm()
        response = run_service(lambda: _write("test-rows", refuse=FormErrors(errors)), form=form, back="/rubric",
                               to="/")
        empty = RowsForm()
        run_service(lambda: _write("test-empty", refuse=FormErrors({}, "کلی")), form=empty, to="/")
        flashes = get_flashed_messages()
    assert response is None
    assert form.rows[1].title.errors == ["عنوان تکراری"]
    assert form.form_errors == ["بیرون از فرم"]
    assert empty.form_errors == ["کلی"]
    assert flashes == []
    assert _keys(session) == []


def test_run_service_on_refusal_keeps_what_it_writes(app, session, commits):
    def count_failure(error: DomainError) -> None:
        db.session.add(Setting(key="test-failures", value=error.message))

    with app.test_request_context("/", method="POST"):
        form = NoteForm()
        run_service(lambda: _write("test-attempt", refuse=DomainError("کد نادرست", field="name")), form=form,
                    on_refusal=count_failure, to="/")
    assert commits == [1]
    assert _keys(session) == ["test-failures"]


def test_run_service_field_error_re_renders_the_typed_form_with_status_200(app, session):
    def view():
        form = NoteForm()
        if request.method == "POST" and form.validate() and (response := run_service(
                lambda: _write("test-route", refuse=DomainError("دلیل پذیرفته نشد", field="reason")),
                form=form, done="saved", to="/done")) is not None:
            return response
        return render_template_string(
            "{{ form.name(value=form.name.data) }}{% for e in form.reason.errors %}<p>{{ e }}</p>{% endfor %}",
            form=form)

    app.add_url_rule("/test-run-service", "test_run_service", view, methods=["GET", "POST"])
    csrf.exempt(view)
    response = app.test_client().post("/test-run-service", data={"name": "typed value", "reason": "short"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="typed value"' in html
    assert "<p>دلیل پذیرفته نشد</p>" in html
    assert _keys(session) == []
