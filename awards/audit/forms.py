"""The audit log's filter form (a GET form: it changes nothing, so it carries no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from awards.audit.queries import AuditCriteria
from awards.cycles.forms import JalaliDateField
from awards.persian import normalize_text, parse_number


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("رویداد"), choices=[], validate_choice=False)
    actor = StringField(_l("نام کاربری انجام‌دهنده"), validators=[Optional(), Length(max=64)],
                        render_kw={"dir": "ltr", "autocomplete": "off"})
    nomination = StringField(_l("شمارهٔ پرونده"), validators=[Optional(), Length(max=12)],
                             render_kw={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})
    date_from = JalaliDateField(_l("از تاریخ"), validators=[Optional()])
    date_to = JalaliDateField(_l("تا تاریخ (با خود آن روز)"), validators=[Optional()])
    q = StringField(_l("متن دلیل"), validators=[Optional(), Length(max=200)])

    def validate_nomination(self, field) -> None:
        try:
            value = parse_number(field.data)
        except ValueError:
            value = -1
        if value < 1:
            raise ValidationError(_l("شمارهٔ پرونده باید عددی مثبت باشد."))
        field.number = value

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and not self.date_from.errors and field.data < self.date_from.data:
            raise ValidationError(_l("«تا تاریخ» نباید پیش از «از تاریخ» باشد."))

    def _ok(self, name: str):
        """The field's value when it was given and is valid, else None (an invalid filter is ignored)."""
        field = self[name]
        return None if field.errors or field.data in (None, "") else field.data

    def criteria(self) -> AuditCriteria:
        nomination = self._ok("nomination")
        text = self._ok("q")
        return AuditCriteria(
            action=self._ok("action"),
            actor=self._ok("actor"),
            nomination_id=self.nomination.number if nomination is not None else None,
            date_from=self._ok("date_from"),
            date_to=self._ok("date_to"),
            text=normalize_text(text) if text else None,
        )
