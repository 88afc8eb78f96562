"""The media chair's forms: the press release's intro; approving and opening are CSRF buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from awards.publication.services import INTRO_MAX_LENGTH


class IntroForm(FlaskForm):
    intro = TextAreaField(_l("متن آغاز خبرنامه"), validators=[
        InputRequired(_l("متن آغاز خبرنامه را بنویسید.")),
        Length(max=INTRO_MAX_LENGTH, message=_l("متن آغاز خبرنامه بیش از اندازه بلند است.")),
    ])


class ApproveForm(FlaskForm):
    approve = SubmitField(_l("تأیید فهرست برگزیدگان برای انتشار"))


class OpenForm(FlaskForm):
    """Opening the public page; a refusal (before the ceremony date) is shown beside this button."""

    open = SubmitField(_l("باز کردن صفحهٔ عمومی برگزیدگان"))

