"""Instants in the views: fixed-width UTC text that round-trips and sorts as time, for every year 1-9999."""

from datetime import datetime, timedelta, timezone

from hypothesis import assume, given
from hypothesis import strategies as st

from projections.timestamps import from_text, to_text

utc_instants = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999),
                            timezones=st.just(timezone.utc))
offsets = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59))


@given(utc_instants)
def test_text_round_trips_with_a_fixed_width(moment):
    text = to_text(moment)
    assert len(text) == len("2026-01-05T09:00:00.000000Z")
    assert from_text(text) == moment


@given(utc_instants, utc_instants)
def test_text_order_is_time_order(first, second):
    assert (to_text(first) < to_text(second)) == (first < second)


@given(utc_instants, offsets)
def test_any_offset_is_written_as_utc(moment, offset):
    local = moment.astimezone(timezone(offset)) if _representable(moment, offset) else None
    assume(local is not None)
    assert to_text(local) == to_text(moment)


def test_years_before_1000_keep_four_digits():
    assert to_text(datetime(999, 3, 4, 5, 6, 7, 8, tzinfo=timezone.utc)) == "0999-03-04T05:06:07.000008Z"
    assert from_text("0001-01-01T00:00:00.000000Z") == datetime(1, 1, 1, tzinfo=timezone.utc)
    assert to_text(None) is None and from_text(None) is None


def _representable(moment: datetime, offset: timedelta) -> bool:
    try:
        moment.astimezone(timezone(offset))
    except OverflowError:
        return False
    return True
