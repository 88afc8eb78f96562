"""The Jalali date field and the timeline's time-of-day rule."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from awards.cycles.forms import PostponeForm, at_same_time_of_day
from awards.demo import jalali_moment


@pytest.mark.parametrize("typed", ["۱۴۰۴/۰۶/۲۰", "1404/06/20", "1404-6-20", "١٤٠٤/٠٦/٢٠"])
def test_jalali_date_field_accepts_both_digit_sets(app, typed):
    with app.test_request_context():
        form = PostponeForm(formdata=MultiDict({"new_date": typed, "reason": "x"}), meta={"csrf": False})
        assert form.validate()
        assert form.new_date.data == date(2025, 9, 11)


@pytest.mark.parametrize("typed", ["1404/13/01", "1404/12/30", "1404/00/10", "20/06/1404", "امروز"])
def test_jalali_date_field_rejects_impossible_dates_keeping_text(app, typed):
    with app.test_request_context():
        form = PostponeForm(formdata=MultiDict({"new_date": typed, "reason": "x"}), meta={"csrf": False})
        assert not form.validate()
        assert form.new_date.errors == ["تاریخ شمسی معتبر نیست؛ نمونه: ۱۴۰۴/۰۲/۳۱"]
        assert form.new_date._value() == typed


def test_at_same_time_of_day_keeps_tehran_wall_clock():
    deadline = jalali_moment(1404, 2, 31, 23, 59)
    assert at_same_time_of_day(date(2025, 5, 31), deadline) == jalali_moment(1404, 3, 10, 23, 59)
