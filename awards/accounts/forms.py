"""Forms of the users pages and of the password pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from awards.accounts.services import Role, clean_email, clean_mobile
from awards.auth.services import USERNAME_RE
from awards.models import Committee, Cycle, Province

ROLE_LABELS = {
    Role.ORGANIZER: _l("دبیرخانه (برگزارکننده)"),
    Role.PROVINCE_OFFICER: _l("کارشناس استان"),
    Role.COMMITTEE_MEMBER: _l("عضو کمیته"),
}


def _cycle_choices(cycles: list[Cycle]) -> list[SelectChoice]:
    return [SelectChoice(c.id, c.title) for c in cycles] or [SelectChoice(0, _l("هنوز دوره‌ای نیست"))]


def _checked(cleaner):
    def check(_form, field) -> None:
        try:
            field.data = cleaner(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
    return check


def _username(_form, field) -> None:
    if field.data and not USERNAME_RE.match(field.data.strip().lower()):
        raise ValidationError(_l("نام کاربری فقط از حروف کوچک لاتین، رقم، نقطه، خط تیره و زیرخط تشکیل شود."))


class UserForm(FlaskForm):
    username = StringField(_l("نام کاربری"), validators=[DataRequired(_l("نام کاربری را وارد کنید.")),
                                                         Length(max=64), _username])
    full_name = StringField(_l("نام و نام خانوادگی"), validators=[
        DataRequired(_l("نام و نام خانوادگی را وارد کنید.")), Length(max=120)])
    email = StringField(_l("ایمیل"), validators=[Optional(), Length(max=254), _checked(clean_email)])
    mobile = StringField(_l("تلفن همراه"), validators=[Optional(), Length(max=20), _checked(clean_mobile)])
    role = SelectField(_l("نقش"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
                       validators=[InputRequired(_l("نقش را انتخاب کنید."))])
    province = SelectField(_l("استان (برای کارشناس استان)"), coerce=int)
    committee = SelectField(_l("کمیته"))
    is_chair = BooleanField(_l("رئیس کمیته"))
    # An unknown cycle reads as none: only a committee seat needs one, and check_spec says so beside the field.
    cycle = SelectField(_l("دورهٔ عضویت در کمیته"), coerce=int, validate_choice=False)
    password = PasswordField(_l("گذرواژهٔ موقت"), validators=[Optional(), Length(max=256)])

    def __init__(self, provinces: list[Province], committees: list[Committee], cycles: list[Cycle],
                 *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._provinces = {p.id: p for p in provinces}
        self._committees = {str(c.code): c for c in committees}
        self._cycles = {c.id: c for c in cycles}
        self.province.choices = [SelectChoice(0, "—")] + [
            SelectChoice(p.id, f"{p.name_fa} ({p.iso_code})") for p in provinces]
        self.committee.choices = [SelectChoice("", "—")] + [SelectChoice(str(c.code), c.name_fa) for c in committees]
        self.cycle.choices = _cycle_choices(cycles)

    def chosen(self) -> tuple[Role, Province | None, Committee | None, Cycle | None]:
        return (Role(self.role.data), self._provinces.get(self.province.data),
                self._committees.get(self.committee.data or ""), self._cycles.get(self.cycle.data))


class ImportUsersForm(FlaskForm):
    cycle = SelectField(_l("دورهٔ عضویت در کمیته‌ها"), coerce=int)
    file = FileField(_l("پروندهٔ کاربران (xlsx یا CSV)"), validators=[FileRequired(_l("پرونده را انتخاب کنید."))])

    def __init__(self, cycles: list[Cycle], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cycles = {c.id: c for c in cycles}
        self.cycle.choices = _cycle_choices(cycles)

    def chosen_cycle(self) -> Cycle | None:
        return self._cycles.get(self.cycle.data)


class ConfirmForm(FlaskForm):
    """A confirmation step: only the CSRF token."""


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("گذرواژهٔ کنونی"), validators=[
        DataRequired(_l("گذرواژهٔ کنونی را وارد کنید.")), Length(max=256)])
    new_password = PasswordField(_l("گذرواژهٔ تازه"), validators=[
        DataRequired(_l("گذرواژهٔ تازه را وارد کنید.")), Length(max=256)])
    new_password_again = PasswordField(_l("تکرار گذرواژهٔ تازه"), validators=[
        DataRequired(_l("گذرواژهٔ تازه را دوباره وارد کنید.")),
        EqualTo("new_password", _l("دو گذرواژهٔ تازه یکسان نیستند."))])


class SetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("گذرواژهٔ تازه"), validators=[
        DataRequired(_l("گذرواژهٔ تازه را وارد کنید.")), Length(max=256)])
    new_password_again = PasswordField(_l("تکرار گذرواژهٔ تازه"), validators=[
        DataRequired(_l("گذرواژهٔ تازه را دوباره وارد کنید.")),
        EqualTo("new_password", _l("دو گذرواژهٔ تازه یکسان نیستند."))])
