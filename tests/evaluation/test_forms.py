"""Parsing what members type: score values and numbers in either digit set."""

from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from awards.evaluation.forms import NumberField, ScoreField, show_number


@pytest.mark.parametrize(("typed", "value"), [
    ("12.5", "12.5"), ("۱۲٫۵", "12.5"), ("12/5", "12.5"), ("١٢٫٥", "12.5"), ("۱۲/۵", "12.5"), ("20", "20"),
    ("-3", "-3"), ("0.25", "0.25"),
])
def test_score_field_reads_either_digit_set_and_decimal_mark(typed, value):
    assert ScoreField.parse(None, typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["12,5", "دوازده", "12.5.1", "1e3", "۱۲ و نیم", "+5", "١٢٫"])
def test_score_field_refuses_what_is_not_a_number(typed):
    with pytest.raises(ValueError, match="نمره را به صورت عدد بنویسید"):
        ScoreField.parse(None, typed)


class _Numbers(Form):
    share = NumberField(decimal=True)
    count = NumberField()


def test_number_field_reads_persian_digits_and_slash(app):
    with app.test_request_context("/"):
        form = _Numbers(formdata=MultiDict({"share": "۶۲/۵", "count": "۱۲"}))
        assert (form.share.data, form.count.data) == (Decimal("62.5"), 12)
        refused = _Numbers(formdata=MultiDict({"share": "", "count": "2.5"}))
        assert not refused.validate()
        assert refused.share.data is None
        assert refused.count._value() == "2.5"  # kept as typed beside its error


@pytest.mark.parametrize(("value", "shown"), [(Decimal("20.00"), "۲۰"), (Decimal("12.50"), "۱۲٫۵"), (3, "۳"),
                                              (None, "")])
def test_show_number_drops_trailing_zeros_in_persian(app, value, shown):
    with app.test_request_context("/"):
        assert show_number(value) == shown
