"""The upload form: a category of the current cycle and one .xlsx or CSV file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from awards.models import Category


class ImportForm(FlaskForm):
    category = SelectField(_l("رشته"), coerce=int, validators=[InputRequired(_l("رشته را انتخاب کنید."))])
    file = FileField(_l("پروندهٔ نامزدها (xlsx یا CSV)"), validators=[FileRequired(_l("پرونده را انتخاب کنید."))])

    def __init__(self, categories: list[Category], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._categories = {category.id: category for category in categories}
        self.category.choices = [(category.id, category.title) for category in categories]

    def chosen_category(self) -> Category:
        """The category picked (validation has already checked it is one of the choices)."""
        return self._categories[self.category.data]
