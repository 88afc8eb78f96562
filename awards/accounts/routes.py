"""Users (organizers, under /admin/users) and every user's own password (/account, /set-password)."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from awards import permissions
from awards.accounts import imports, queries, services
from awards.accounts.forms import (
    ROLE_LABELS,
    ChangePasswordForm,
    ConfirmForm,
    ImportUsersForm,
    SetPasswordForm,
    UserForm,
)
from awards.auth import session_interface as web_sessions
from awards.cycles.queries import all_cycles, current_cycle
from awards.extensions import db, limiter
from awards.models import Committee, Province, User
from awards.persian import format_jalali_datetime, to_persian_digits
from awards.web import WHOLE_FORM, run_service

bp = Blueprint("accounts", __name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "tandis-users-template"


def _digits(value: object) -> str:
    text = str(value)
    return to_persian_digits(text) if get_locale().language == "fa" else text


def _require_manager() -> None:
    if not permissions.can_manage_users(current_user):
        abort(403)


def _load_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _link_url(token: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    return base.rstrip("/") + url_for("accounts.set_password", token=token)


def _secret_page(template: str, status: int = 200, **context):
    """Render a page that shows a set-password token: never stored by a browser or proxy cache."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _reference_data():
    provinces = list(db.session.scalars(select(Province).order_by(Province.iso_code)))
    committees = list(db.session.scalars(select(Committee).order_by(Committee.position, Committee.id)))
    return provinces, committees, all_cycles(db.session)


@bp.route("/admin/users")
@login_required
def users():
    _require_manager()
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    filters = queries.UserFilters(search=request.args.get("q", "")[:100],
                                  role=services.Role(role) if role in set(services.Role) else None,
                                  active={"active": True, "disabled": False}.get(status))
    page = queries.list_users(db.session, filters=filters, page=request.args.get("page", 1, type=int),
                              page_size=current_app.config["PAGE_SIZE"])
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("accounts/users.html", page=page, args=args, filters=filters, role_labels=ROLE_LABELS,
                           cycle=current_cycle(db.session))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    _require_manager()
    form = UserForm(*_reference_data())
    if form.validate_on_submit():
        role, province, committee, cycle = form.chosen()
        spec = services.AccountSpec(username=form.username.data, full_name=form.full_name.data, role=role,
                                    email=form.email.data, mobile=form.mobile.data, province=province,
                                    committee=committee, is_chair=form.is_chair.data)

        def show(created):
            flash(_("حساب «%(name)s» ساخته شد.", name=created.user.full_name), "success")
            if created.link is not None:
                return _secret_page("accounts/links.html", links=[created.link], url=_link_url, created=True)
            return None

        if (response := run_service(
                lambda: services.create_account(db.session, actor=current_user, spec=spec, cycle=cycle,
                                                temporary_password=form.password.data or None,
                                                link_hours=current_app.config["PASSWORD_LINK_HOURS"]),
                form=form, field=WHOLE_FORM, then=show,
                to=lambda created: url_for("accounts.user", user_id=created.user.id))) is not None:
            return response
    return render_template("accounts/new.html", form=form)


@bp.route("/admin/users/<int:user_id>")
@login_required
def user(user_id: int):
    _require_manager()
    account = _load_user(user_id)
    return render_template("accounts/user.html", account=account, form=ConfirmForm(),
                           links=queries.recent_links(db.session, user=account), cycle=current_cycle(db.session),
                           role_labels=ROLE_LABELS)


@bp.route("/admin/users/<int:user_id>/<any(disable, enable):action>", methods=["GET", "POST"])
@login_required
def set_active(user_id: int, action: str):
    _require_manager()
    account = _load_user(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        return run_service(
            lambda: services.set_account_active(db.session, user=account, active=action == "enable",
                                                actor=current_user),
            done=lambda _none: _("حساب «%(name)s» فعال شد.", name=account.full_name) if action == "enable"
            else _("حساب «%(name)s» غیرفعال شد.", name=account.full_name),
            to=url_for("accounts.user", user_id=account.id))
    return render_template("accounts/confirm_active.html", account=account, action=action, form=form)


@bp.route("/admin/users/<int:user_id>/link", methods=["POST"])
@login_required
def issue_link(user_id: int):
    _require_manager()
    account = _load_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return run_service(
        lambda: services.issue_password_link(db.session, user=account, actor=current_user,
                                             hours=current_app.config["PASSWORD_LINK_HOURS"]),
        back=url_for("accounts.user", user_id=account.id),
        then=lambda issued: _secret_page("accounts/links.html", links=[issued], url=_link_url, created=False))


@bp.route("/admin/users/import", methods=["GET", "POST"])
@login_required
def import_users():
    _require_manager()
    form = ImportUsersForm(all_cycles(db.session))
    row_errors = []
    if form.validate_on_submit():
        upload = form.file.data

        def show(result):
            flash(_("%(n)s حساب ساخته شد.", n=_digits(len(result.links))), "success")
            return _secret_page("accounts/links.html", links=result.links, url=_link_url, created=True)

        if (response := run_service(
                lambda: imports.import_users(
                    db.session, actor=current_user, cycle=form.chosen_cycle(), filename=upload.filename or "",
                    data=upload.read(), max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
                    link_hours=current_app.config["PASSWORD_LINK_HOURS"]),
                form=form, field="file", on_refusal=lambda exc: row_errors.extend(getattr(exc, "errors", [])),
                then=show)) is not None:
            return response
    return render_template("accounts/import.html", form=form, row_errors=row_errors, columns=imports.COLUMNS,
                           max_rows=imports.MAX_ROWS, max_errors_shown=imports.MAX_ERRORS_SHOWN)


@bp.route("/admin/users/import/template.xlsx")
@login_required
def template_xlsx():
    _require_manager()
    return send_file(io.BytesIO(imports.build_template_xlsx()), mimetype=XLSX_TYPE, as_attachment=True,
                     download_name=f"{TEMPLATE_NAME}.xlsx")


@bp.route("/admin/users/import/template.csv")
@login_required
def template_csv():
    _require_manager()
    return send_file(io.BytesIO(imports.build_template_csv()), mimetype="text/csv; charset=utf-8",
                     as_attachment=True, download_name=f"{TEMPLATE_NAME}.csv")


@bp.route("/admin/users/links.csv", methods=["POST"])
@login_required
def links_csv():
    """The links just shown, as CSV: the page posts the tokens back; only live ones are written."""
    _require_manager()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    rows = []
    for token in request.form.getlist("token")[:imports.MAX_ROWS]:
        link, state = services.find_link(db.session, token=token)
        if state is services.LinkState.VALID:
            rows.append((link.user.username, link.user.full_name, _link_url(token),
                         format_jalali_datetime(link.expires_at, persian_digits=False)))
    return send_file(io.BytesIO(imports.links_csv(rows)), mimetype="text/csv; charset=utf-8", as_attachment=True,
                     download_name="tandis-password-links.csv")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    # The change ends every session of the account, this one included: carry on in a fresh one (before the
    # flash, which the fresh session then carries).
    if form.validate_on_submit() and (response := run_service(
            lambda: services.change_own_password(db.session, user=current_user,
                                                 current_password=form.current_password.data,
                                                 new_password=form.new_password.data),
            form=form, field=WHOLE_FORM,
            then=lambda _none: web_sessions.begin(current_user._get_current_object(), remember=False),
            done=_("گذرواژه تغییر کرد؛ نشست‌های دیگر این حساب پایان یافت."), to=url_for("main.index"))) is not None:
        return response
    return render_template("accounts/change_password.html", form=form,
                           forced=current_user.must_change_password)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_LINK_RATE_LIMIT"])
def set_password(token: str):
    link, state = services.find_link(db.session, token=token)
    if state is not services.LinkState.VALID:
        return _secret_page("accounts/link_dead.html", 410 if link else 404, state=state)
    form = SetPasswordForm()
    if form.validate_on_submit() and (response := run_service(
            lambda: services.redeem_password_link(db.session, token=token, new_password=form.new_password.data),
            form=form, fields={"password": "new_password"}, field=WHOLE_FORM,
            then=lambda _none: web_sessions.end_current() if current_user.is_authenticated else None,
            done=_("گذرواژهٔ شما تعیین شد؛ اکنون با نام کاربری و گذرواژهٔ تازه وارد شوید."),
            to=url_for("auth.login"))) is not None:
        return response
    return _secret_page("accounts/set_password.html", form=form, account=link.user, link=link)
