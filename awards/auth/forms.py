"""Sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("نام کاربری"), validators=[DataRequired(_l("نام کاربری را وارد کنید.")),
                                                         Length(max=64)])
    password = PasswordField(_l("گذرواژه"), validators=[DataRequired(_l("گذرواژه را وارد کنید.")),
                                                        Length(max=256)])
    remember = BooleanField(_l("مرا به خاطر بسپار"))


class TwoFactorCodeForm(FlaskForm):
    """The second step of signing in, or confirming the enrolment: a code from the app (or a recovery code)."""

    code = StringField(_l("کد"), validators=[DataRequired(_l("کد را وارد کنید.")), Length(max=32)])


class TwoFactorManageForm(FlaskForm):
    """Turning two-factor sign-in off, or new recovery codes: the password and a current code."""

    password = PasswordField(_l("گذرواژه"), validators=[DataRequired(_l("گذرواژه را وارد کنید.")),
                                                        Length(max=256)])
    code = StringField(_l("کد برنامه یا کد بازیابی"), validators=[DataRequired(_l("کد را وارد کنید.")),
                                                                  Length(max=32)])
