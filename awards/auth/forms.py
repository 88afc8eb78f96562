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
