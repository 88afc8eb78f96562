"""Forms of certificate printing, revocation, signatories and public lookup."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class BulkPrintForm(FlaskForm):
    scope = SelectField(_l("محدوده"), validate_choice=False)
    fmt = RadioField(_l("خروجی"), default="pdf", choices=[
        SelectChoice("pdf", _l("یک پروندهٔ PDF برای چاپ")),
        SelectChoice("zip", _l("پروندهٔ ZIP با یک PDF برای هر جایزه")),
    ], validators=[InputRequired(_l("قالب خروجی را برگزینید."))])


class RetryForm(FlaskForm):
    """Run a failed print job again (CSRF only)."""


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("دلیل لغو"), validators=[InputRequired(_l("دلیل لغو را بنویسید.")),
                                                       Length(max=2000, message=_l("حداکثر ۲۰۰۰ نویسه."))])


class LookupForm(FlaskForm):
    serial = StringField(_l("شمارهٔ لوح"), validators=[InputRequired(_l("شمارهٔ لوح را وارد کنید.")),
                                                        Length(max=48)])
    name = StringField(_l("نام گیرنده یا نامزد"), validators=[InputRequired(_l("نام را وارد کنید.")),
                                                               Length(max=200)])


class SignatoryForm(FlaskForm):
    name = StringField(_l("نام"), validators=[InputRequired(_l("نام امضاکننده را بنویسید.")), Length(max=120)])
    title = StringField(_l("سمت"), validators=[InputRequired(_l("سمت امضاکننده را بنویسید.")), Length(max=200)])
    signature = FileField(_l("تصویر امضا (PNG، اختیاری)"))


class RemoveSignatoryForm(FlaskForm):
    """Confirmation of removing a signatory; the service refuses unless ``confirm`` is ticked."""

    confirm = BooleanField(_l("بله، این امضاکننده برداشته شود"))


class MoveSignatoryForm(FlaskForm):
    direction = HiddenField(validators=[InputRequired()])
