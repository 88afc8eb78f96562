"""The winners chair's form for ordering tied nominations (propose and confirm are bare CSRF buttons)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length


class TieForm(FlaskForm):
    """One select per position, each offering the tied nominations; the service checks the set."""

    positions = FieldList(SelectField(_l("نامزد"), coerce=int, validate_choice=False), min_entries=0)
    justification = TextAreaField(
        _l("دلیل این ترتیب"),
        validators=[DataRequired(_l("دلیل این ترتیب را بنویسید.")), Length(max=4000)],
    )

    @classmethod
    def for_tie(cls, ordered_ids, names: dict[int, str], *, submitted: TieForm | None = None) -> TieForm:
        """Return the submitted form, or a fresh one preselecting the current order; choices are the tied set."""
        form = submitted
        if form is None:
            form = cls(formdata=None, prefix=cls.prefix_for(ordered_ids))
            for nomination_id in ordered_ids:
                form.positions.append_entry(nomination_id)
        choices = [(nid, names[nid]) for nid in ordered_ids]
        for entry in form.positions:
            entry.choices = choices
        return form

    @staticmethod
    def prefix_for(ids) -> str:
        return f"tie-{min(ids)}"

    def ordered_ids(self) -> list[int]:
        return [entry.data for entry in self.positions]
