"""One way for a route to run a service: :func:`run_service`.

A route loads its objects (404), checks its permission (403), validates its form, then hands the service call to
``run_service``, which

- runs it as the request's write transaction (``awards.db.begin_writing``: on SQLite the write lock is taken
  for the service and its commit only; a lock not free within the bounded wait gives the "try again" page);
- on a refusal (``DomainError``, including the several-fields-at-once kind such as ``FormErrors``) rolls the
  session back and shows the message beside the form field it names, so the route re-renders the form with
  everything typed kept; a refusal that names no field of the form is flashed, and the browser is sent ``back``
  when a target is given (else the route re-renders, the flash on top);
- on success deletes the user's autosaved draft of the form just sent (``awards.drafts``; a refusal keeps it),
  commits once, flashes ``done`` and redirects ``to`` the given target (or answers with what ``then`` returns).

A page's script that calls a service and wants JSON back uses :func:`run_json_service` instead.

It returns the response to send, or None when the route should render its form again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import flash, has_request_context, jsonify, redirect, request
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import FieldList, FormField

from awards import clock
from awards.db import begin_writing
from awards.drafts import services as drafts
from awards.errors import DomainError
from awards.extensions import db

T = TypeVar("T")

#: ``field=WHOLE_FORM``: a refusal that names no field of the form is shown above the form (``form.form_errors``).
WHOLE_FORM = "__form__"

Done = str | tuple[str, str] | None


def run_service(
    action: Callable[[], T],
    *,
    done: Done | Callable[[T], Done] = None,
    to: str | Callable[[T], str] | None = None,
    then: Callable[[T], Response | None] | None = None,
    form: Any = None,
    field: str | None = None,
    fields: Mapping[Any, str] | None = None,
    back: str | None = None,
    refusal_category: str = "danger",
    on_refusal: Callable[[DomainError], None] | None = None,
) -> Response | None:
    """Run ``action`` (the service call); commit and redirect on success, roll back and show a refusal.

    Success: commit, then ``then(value)`` (after-commit work such as queueing a job or starting a web session;
    a response it returns is the answer, and ``done``/``to`` are skipped), then flash ``done`` (a message, a
    ``(message, category)`` pair, or a function of the service's return value giving either) and redirect ``to``
    (a URL or a function of the value).

    Refusal: roll back, call ``on_refusal(error)`` if given and commit what it wrote (a counted failed attempt),
    then show the message. With a ``form``: the field the error names (renamed through ``fields``, service name to
    form name), else the ``field`` fallback (a field name or :data:`WHOLE_FORM`), takes the message and None is
    returned so the route renders the form again; an error mapping several fields (``error.errors``) puts each
    message beside its field, above the form when it names none. A message no field takes is flashed
    (``refusal_category``) and the browser goes ``back`` (``to`` when there is no form and ``to`` is a URL), or,
    without such a target, None is returned.
    """
    if form is None and back is None:
        if not isinstance(to, str):
            raise ValueError("run_service: a route without a form needs `back` (or `to` as a URL)")
        back = to
    value, refusal = _commit_or_refuse(action, on_refusal=on_refusal, before_commit=_clear_sent_draft)
    if refusal is not None:
        if form is not None and _attach(form, refusal, field=field, fields=fields or {}):
            return None
        flash(refusal.message, refusal_category)
        return redirect(back) if back is not None else None
    if then is not None and (response := then(value)) is not None:
        return response
    message = done(value) if callable(done) else done
    if message is not None:
        text, category = message if isinstance(message, tuple) else (message, "success")
        flash(text, category)
    target = to(value) if callable(to) else to
    if target is None:
        raise ValueError("run_service: a success needs `to` or a `then` that answers")
    return redirect(target)


def run_json_service(action: Callable[[], T], *, answer: Callable[[T], Mapping[str, Any]]) -> Response:
    """Run ``action`` for a page's script: commit and answer ``answer(value)`` as JSON, or roll back and answer
    ``{"error": message, "field": name}`` with the refusal's ``http_status`` (400 unless it names another)."""
    value, refusal = _commit_or_refuse(action)
    if refusal is not None:
        response = jsonify(error=refusal.message, field=refusal.field)
        response.status_code = getattr(refusal, "http_status", 400)
        return response
    return jsonify(dict(answer(value)))


def _commit_or_refuse(action: Callable[[], T], *, on_refusal: Callable[[DomainError], None] | None = None,
                      before_commit: Callable[[], None] | None = None) -> tuple[T | None, DomainError | None]:
    """Run ``action`` as the request's write transaction (on SQLite: the write lock for the service and its commit
    only; loading before and rendering after read as a reader) and commit; on a refusal roll back, let
    ``on_refusal`` write what it must (committed) and return the refusal instead of a value."""
    with begin_writing(db.session):
        try:
            value = action()
        except DomainError as error:
            db.session.rollback()
            if on_refusal is not None:
                on_refusal(error)
                db.session.commit()
            return None, error
        if before_commit is not None:
            before_commit()
        db.session.commit()
    return value, None


def _clear_sent_draft() -> None:
    """The form posted to this address was accepted: its autosaved draft has done its work (same transaction).

    A page that autosaves marks the send with ``_draft`` (the form's own name, often empty)."""
    if not has_request_context() or request.method != "POST" or not getattr(current_user, "is_authenticated", False):
        return
    query = request.query_string.decode("latin-1")
    keys = [drafts.form_key(request.path, query)]
    if name := request.form.get("_draft", ""):
        keys.append(drafts.form_key(request.path, query, name))
    drafts.clear_sent(db.session, user_id=current_user.id, keys=keys, now=clock.wall_now(),
                      marked="_draft" in request.form)


def _attach(form, error: DomainError, *, field: str | None, fields: Mapping[Any, str]) -> bool:
    """Put the refusal beside its field(s); False when it belongs to no field and should be flashed."""
    errors = getattr(error, "errors", None)
    if isinstance(errors, Mapping):
        if not errors:
            form.form_errors.append(error.message)
        for key, message in errors.items():
            target = _field(form, fields.get(key, key))
            if target is None:
                form.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]
        return True
    name = fields.get(error.field, error.field)
    target = _field(form, name) if name is not None else None
    if target is None and field is not None:
        if field == WHOLE_FORM:
            form.form_errors.append(error.message)
            return True
        target = form[field]
    if target is None:
        return False
    target.errors = [*target.errors, error.message]
    return True


def _field(form, name: str):
    """The form's field called ``name`` (its short name, or the full name of one inside a list or subform)."""
    if not isinstance(name, str):
        return None
    if name in form:
        return form[name]
    return _fields_by_name(form).get(name)


def _fields_by_name(form) -> dict[str, Any]:
    """Map every field's full name to the field, through nested lists and subforms."""
    found: dict[str, Any] = {}
    for item in form:
        if isinstance(item, FieldList):
            for entry in item.entries:
                if isinstance(entry, FormField):
                    found.update(_fields_by_name(entry.form))
                else:
                    found[entry.name] = entry
        elif isinstance(item, FormField):
            found.update(_fields_by_name(item.form))
        else:
            found[item.name] = item
    return found
