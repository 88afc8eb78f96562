"""Screening (return with a reason) and compliance (pass or fail with a reason) forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError


class AcceptForm(FlaskForm):
    """Accepting needs nothing but the CSRF token."""


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        _l("دلیل بازگشت به استان"),
        validators=[DataRequired(_l("دلیل بازگشت را بنویسید تا استان بداند چه چیزی را کامل یا اصلاح کند.")),
                    Length(max=2000)],
    )


class ComplianceForm(FlaskForm):
    outcome = RadioField(
        _l("نتیجهٔ بررسی انطباق"),
        choices=[SelectChoice("passed", _l("تأیید انطباق")), SelectChoice("failed", _l("رد انطباق"))],
        validate_choice=False,
        validators=[InputRequired(_l("تأیید یا رد را برگزینید.")),
                    AnyOf(("passed", "failed"), message=_l("تأیید یا رد را برگزینید."))],
    )
    reason = TextAreaField(_l("دلیل"), validators=[Length(max=2000)])

    def validate_reason(self, field) -> None:
        if self.outcome.data == "failed" and not (field.data or "").strip():
            raise ValidationError(
                _l("برای رد انطباق دلیل را بنویسید (مجوزها، مفاصاحساب مالیاتی و بیمه‌ای، یا دعاوی حقوقی).")
            )
