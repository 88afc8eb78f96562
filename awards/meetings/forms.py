"""The chair's forms (the meeting's details and attendees, a decision), the attendee's signature and the chair's
reopening; removing a decision is a CSRF button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from awards.cycles.forms import JalaliDateField
from awards.meetings.services import AGENDA_MAX_LENGTH, PLACE_MAX_LENGTH, TEXT_MAX_LENGTH


class CheckboxesField(SelectMultipleField):
    """One checkbox per choice (the members present)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        """Unknown ids are the service's to refuse (with its own message), not WTForms' "not a valid choice"."""


class MeetingForm(FlaskForm):
    held_on = JalaliDateField(_l("تاریخ جلسه"), validators=[InputRequired(_l("تاریخ جلسه را وارد کنید."))])
    place = StringField(_l("محل جلسه"), validators=[
        InputRequired(_l("محل جلسه را بنویسید.")),
        Length(max=PLACE_MAX_LENGTH, message=_l("محل جلسه بیش از اندازه بلند است."))])
    agenda = TextAreaField(_l("دستور جلسه"), validators=[
        InputRequired(_l("دستور جلسه را بنویسید.")),
        Length(max=AGENDA_MAX_LENGTH, message=_l("دستور جلسه بیش از اندازه بلند است."))])
    attendees = CheckboxesField(_l("اعضای حاضر"), coerce=int, choices=[])


class DecisionForm(FlaskForm):
    kind = SelectField(_l("نوع مصوبه"), choices=[])
    category_id = SelectField(_l("رشته"), choices=[], validators=[Optional()])
    text = TextAreaField(_l("متن مصوبه"), validators=[
        Optional(), Length(max=TEXT_MAX_LENGTH, message=_l("متن مصوبه بیش از اندازه بلند است."))])
    amount = StringField(_l("مبلغ (ریال)"), validators=[Optional()],
                         render_kw={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})


class SignForm(FlaskForm):
    """The attendee's confirmation; ``digest`` is the content they read (refused if it changed since)."""

    digest = HiddenField()


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("دلیل بازگرداندن به نگارش"), validators=[
        InputRequired(_l("دلیل بازگرداندن صورتجلسه به نگارش را بنویسید.")), Length(max=2000)])


class ButtonForm(FlaskForm):
    """A bare CSRF button (removing a decision)."""
