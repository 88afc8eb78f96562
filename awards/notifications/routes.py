"""The bell (/notifications/), marking read, the user's choices (/account/notifications) and the mail outbox."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from awards import permissions
from awards.db import begin_writing
from awards.extensions import db
from awards.notifications import kinds, mail, services
from awards.notifications.forms import ActionForm, OptOutForm
from awards.web import run_service

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _inject_bell():
    def unread_notifications() -> int:
        """The signed-in user's unread count: one query per page render, however often the template asks."""
        if "unread_notifications" not in g:
            g.unread_notifications = (services.unread_count(db.session, user_id=current_user.id)
                                      if permissions.can_read_notifications(current_user) else 0)
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


def _require(predicate) -> None:
    if not predicate(current_user):
        abort(403)


@bp.route("/notifications/")
@login_required
def index():
    _require(permissions.can_read_notifications)
    page = services.list_for(db.session, user_id=current_user.id, page=request.args.get("page", 1, type=int),
                             page_size=current_app.config["PAGE_SIZE"])
    return render_template("notifications/index.html", page=page, form=ActionForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    """Open one notification: mark it read (only one's own; another's is a 404) and go to its link."""
    _require(permissions.can_read_notifications)
    if not ActionForm().validate_on_submit():
        abort(400)
    with begin_writing(db.session):
        notification = services.mark_read(db.session, user=current_user, notification_id=notification_id)
        if notification is None:
            abort(404)
        db.session.commit()
    link = notification.link
    if link and link.startswith("/") and not link.startswith("//"):
        return redirect(link)
    return redirect(url_for(".index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    _require(permissions.can_read_notifications)
    if not ActionForm().validate_on_submit():
        abort(400)
    with begin_writing(db.session):
        services.mark_all_read(db.session, user=current_user)
        db.session.commit()
    flash(_("همهٔ اعلان‌ها خوانده شد."), "success")
    return redirect(url_for(".index"))


def _saved(language: str) -> str:
    with force_locale(language):  # the next page already speaks the language just chosen
        return _("انتخاب‌های شما برای اعلان‌ها ذخیره شد.")


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    _require(permissions.can_choose_notifications)
    form = OptOutForm(language=get_locale().language)  # the account's language, else the page's
    if form.validate_on_submit():
        session["language"] = form.language.data  # the browser keeps it after signing out
        response = run_service(
            lambda: services.save_choices(db.session, user=current_user._get_current_object(),
                                          language=form.language.data, receive=request.form.getlist("receive")),
            done=_saved, to=url_for(".settings"), form=form)
        if response is not None:
            return response
    out = services.opted_out(db.session, user_id=current_user.id)
    return render_template("notifications/settings.html", form=form, kinds=kinds.KINDS.values(), opted_out=out,
                           has_email=bool((current_user.email or "").strip()))


@bp.route("/notifications/outbox")
@login_required
def outbox():
    _require(permissions.can_view_mail_outbox)
    return render_template("notifications/outbox.html",
                           files=mail.outbox_files(current_app.config["MAIL_OUTBOX_FOLDER"]),
                           smtp_host=current_app.config.get("SMTP_HOST"))


@bp.route("/notifications/outbox/<name>")
@login_required
def outbox_file(name: str):
    _require(permissions.can_view_mail_outbox)
    path = mail.outbox_path(current_app.config["MAIL_OUTBOX_FOLDER"], name)
    if path is None:
        abort(404)
    if request.args.get("download") == "1":
        return send_file(path, mimetype="message/rfc822", as_attachment=True, download_name=name)
    return render_template("notifications/outbox_view.html", name=name, message=mail.read_outbox_file(path))
