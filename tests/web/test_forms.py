"""A posted form read as its command: the day it happened, the moment the form was opened, the fields' faults."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from starlette.datastructures import FormData

from web.forms import FORMS, FormInvalid, parsed

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)  # 11:00 in Brussels


def read(**fields):
    return parsed(FORMS["meeting"], FormData({"mode": "video", **fields}), BRUSSELS, NOW)


def test_a_day_without_an_hour_is_at_noon_in_the_programmes_time_zone():
    _, moment = read(occurred_on="2026-11-20")
    assert moment == datetime(2026, 11, 20, 11, 0, tzinfo=timezone.utc)


def test_an_hour_still_to_come_today_is_when_the_form_was_opened_that_day_and_never_another_moment():
    opened = NOW - timedelta(minutes=5)
    assert read(occurred_on="2026-11-28", occurred_time="23:59", opened_at=opened.isoformat())[1] == opened
    for forged in ("0001-01-01T00:00:00+14:00", "1990-01-01T00:00:00+00:00", "2026-11-27T22:00:00+00:00",
                   (NOW + timedelta(hours=1)).isoformat(), "not a moment", "x" * 5000):
        assert read(occurred_on="2026-11-28", occurred_time="23:59", opened_at=forged)[1] == NOW


@pytest.mark.parametrize("fields, field, code", [
    ({"occurred_on": ""}, "occurred_on", "invalid.missing"),
    ({"occurred_on": "28/11/2026"}, "occurred_on", "invalid.date_parsing"),
    ({"occurred_on": "2026-11-29"}, "occurred_on", "web.in_the_future"),
    ({"occurred_on": "1999-12-31"}, "occurred_on", "invalid.date_out_of_range"),
    ({"occurred_on": "2026-11-20", "occurred_time": "25:00"}, "occurred_time", "invalid.time_parsing"),
    ({"occurred_on": "2026-11-20", "duration_minutes": "une heure"}, "duration_minutes", "invalid.int_type"),
    ({"occurred_on": "2026-11-20", "mode": "phone"}, "mode", "invalid.literal_error"),
])
def test_every_fault_names_its_field(fields, field, code):
    with pytest.raises(FormInvalid) as invalid:
        read(**fields)
    assert {(e.field, e.code) for e in invalid.value.errors} >= {(field, code)}


def test_lines_become_a_list_and_answers_a_mapping():
    payload, _ = parsed(FORMS["analysis"], FormData({"occurred_on": "2026-11-20", "strengths": "Réseau\n\n Permis ",
                                                     "weaknesses": "CV"}), BRUSSELS, NOW)
    assert payload["strengths"] == ["Réseau", "Permis"] and payload["weaknesses"] == ["CV"]
    payload, _ = parsed(FORMS["evaluation"], FormData({"occurred_on": "2026-11-20", "side": "mentee", "rating": "4",
                                                       "answers.recommend": "Oui", "answers.other": " "}),
                        BRUSSELS, NOW)
    assert payload["answers"] == {"recommend": "Oui"} and payload["rating"] == 4


def test_boxes_words_levels_and_a_moment_read_in_the_programmes_time_zone():
    from web.pages.person_records import PROFILE_FORMS
    from web.pages.sessions import SESSION_FORMS

    payload, moment = parsed(PROFILE_FORMS["mentee"], FormData([
        ("sectors", "H"), ("sectors", "N"), ("hobbies", "football, , échecs "), ("language_levels", "fr=native, nl=B1"),
    ]), BRUSSELS, NOW)
    assert moment is None  # a change has no day of its own
    assert payload["sectors"] == ["H", "N"] and payload["hobbies"] == ["football", "échecs"]
    assert payload["language_levels"] == {"fr": "native", "nl": "B1"} and payload["availability"] == []
    plan = {"kind": "training", "programme_id": "default", "capacity": "12", "place": "Rue Royale 2"}
    payload, _ = parsed(SESSION_FORMS["plan-session"], FormData({**plan, "starts_at": "2026-12-10T09:30"}),
                        BRUSSELS, NOW)
    assert datetime.fromisoformat(payload["starts_at"]) == datetime(2026, 12, 10, 8, 30, tzinfo=timezone.utc)
    for typed in ("2026-12-10T09:30+05:00", "10/12/2026 9h30"):  # an offset of its own, or not a moment
        with pytest.raises(FormInvalid) as invalid:
            parsed(SESSION_FORMS["plan-session"], FormData({**plan, "starts_at": typed}), BRUSSELS, NOW)
        assert [(e.field, e.code) for e in invalid.value.errors] == [("starts_at", "invalid.datetime_parsing")]
