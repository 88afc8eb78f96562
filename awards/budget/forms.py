"""The budget's forms: a new line, a line's label and unit cost, the finance chair's return; buttons are CSRF forms.

Amounts are typed in whole rials, in Persian or Latin digits, with or without thousands separators.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from awards.budget.services import LABEL_MAX_LENGTH, REASON_MAX_LENGTH
from awards.enums import BudgetLineKind, Tier
from awards.labels import LABELS
from awards.models.budget import MAX_UNIT_COST
from awards.nominations.forms import NumberField


def _cost_field() -> NumberField:
    return NumberField(_l("مبلغ (ریال)"), minimum=0, maximum=MAX_UNIT_COST,
                       validators=[InputRequired(_l("مبلغ را به ریال بنویسید."))])


def _label_field() -> StringField:
    return StringField(_l("شرح"), validators=[
        InputRequired(_l("شرح ردیف را بنویسید.")),
        Length(max=LABEL_MAX_LENGTH, message=_l("شرح ردیف بیش از اندازه بلند است.")),
    ])


class LineForm(FlaskForm):
    """A new line: a cost per award of one tier (e.g. the gold tier's statuette) or a fixed amount (venue)."""

    kind = RadioField(_l("نوع ردیف"), default=BudgetLineKind.PER_AWARD.value, choices=[
        SelectChoice(BudgetLineKind.PER_AWARD.value, _l("هزینهٔ هر جایزه از یک سطح")),
        SelectChoice(BudgetLineKind.FIXED.value, _l("هزینهٔ ثابت (مانند محل برگزاری، چاپ، جابه‌جایی)")),
    ], validators=[InputRequired(_l("نوع ردیف را برگزینید."))])
    tier = SelectField(_l("سطح جایزه"), validate_choice=False, default=Tier.GOLD.value, choices=[
        *(SelectChoice(tier.value, LABELS[tier]) for tier in Tier),
        SelectChoice("", _l("— (هزینهٔ ثابت)")),
    ])
    label = _label_field()
    unit_cost = _cost_field()


class EditLineForm(FlaskForm):
    """A line's label and unit cost (its kind and tier stay: remove it and add another to change them)."""

    label = _label_field()
    unit_cost = _cost_field()


class RemoveLineForm(FlaskForm):
    remove = SubmitField(_l("برداشتن"))


class SubmitForm(FlaskForm):
    submit = SubmitField(_l("فرستادن برای کمیتهٔ مالی"))


class ApproveForm(FlaskForm):
    approve = SubmitField(_l("تأیید بودجه"))


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("دلیل بازگرداندن"), validators=[
        InputRequired(_l("دلیل بازگرداندن بودجه را بنویسید.")),
        Length(max=REASON_MAX_LENGTH, message=_l("دلیل بازگرداندن بیش از اندازه بلند است.")),
    ])
