"""The profile analysis' bands and the funders' situation on leaving."""

from datetime import date, datetime, timezone

from domain import reports
from domain.reports import Participant


def test_ages_are_counted_on_the_day_the_binome_began():
    assert reports.age_on("1996-03-10", date(2026, 3, 9)) == 29
    assert reports.age_on("1996-03-10", date(2026, 3, 10)) == 30
    assert reports.age_on(None, date(2026, 3, 10)) is None and reports.age_on("not a day", date(2026, 1, 1)) is None
    assert [reports.age_band(a) for a in (17, 25, 29, 30, 54, 55, None)] == [
        "under_25", "25_29", "25_29", "30_44", "45_54", "55_plus", "unknown"]


def test_education_and_time_out_of_work_fall_in_the_esf_groups():
    assert [reports.isced_group(level) for level in range(9)] == ["isced_0_2"] * 3 + ["isced_3_4"] * 2 + \
        ["isced_5_8"] * 4
    assert [reports.out_of_work_band(m) for m in (0, 5, 6, 11, 12, 23, 24, 200, None)] == [
        "under_6_months", "under_6_months", "6_11_months", "6_11_months", "12_23_months", "12_23_months",
        "24_months_plus", "24_months_plus", "unknown"]


def test_the_situation_on_leaving_follows_how_the_binome_ended():
    assert reports.situation_on_leaving(None, None) == ""
    assert reports.situation_on_leaving("positive", "job") == "employed"
    assert reports.situation_on_leaving("positive", "business_creation") == "employed"
    assert reports.situation_on_leaving("positive", "internship") == "education_training"
    assert reports.situation_on_leaving("early_stop", None) == "searching"
    assert reports.situation_on_leaving("term", None) == "searching"


def test_every_person_is_counted_in_every_dimension_even_without_an_answer():
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    tables = reports.analyse([
        Participant("a", "mentee", {"gender": "female", "birth_date": "2000-01-01", "education_level": 3,
                                    "months_out_of_work": 14, "sectors": ["H", "G"], "language_levels": {"fr": "C1"}},
                    "forem", start),
        Participant("b", "mentee", {}, None, start),
    ])
    mentees = tables["mentee"]
    assert mentees["gender"] == {"female": 1, "unknown": 1}
    assert mentees["age"] == {"25_29": 1, "unknown": 1}
    assert mentees["out_of_work"] == {"12_23_months": 1, "unknown": 1}
    assert mentees["sectors"] == {"H": 1, "G": 1, "unknown": 1}
    assert mentees["referral"] == {"forem": 1, "direct": 1}
    assert "mentor" not in tables


def test_a_participants_line_says_what_esf_asks():
    line = reports.esf_line("p1", "default", {"gender": "male", "birth_date": "1970-06-01", "education_level": 6,
                                              "months_out_of_work": 30}, "actiris",
                            datetime(2026, 2, 1, tzinfo=timezone.utc), datetime(2026, 7, 1, tzinfo=timezone.utc),
                            "positive", "job")
    assert dict(zip(reports.ESF_COLUMNS, line)) == {
        "participant_id": "p1", "programme_id": "default", "gender": "male", "age_at_entry": 55,
        "age_group": "55_plus", "isced_group": "isced_5_8", "long_term_unemployed": "yes", "referred_by": "actiris",
        "entry_date": "2026-02-01", "leaving_date": "2026-07-01", "exit_kind": "positive", "outcome": "job",
        "situation_on_leaving": "employed"}


def test_long_term_unemployment_is_judged_by_age_as_esf_does():
    assert [reports.long_term_unemployed(m, 30) for m in (6, 12, 13)] == ["no", "no", "yes"]
    assert [reports.long_term_unemployed(m, 22) for m in (6, 7, 13)] == ["no", "yes", "yes"]
    assert reports.long_term_unemployed(None, 30) == "" and reports.long_term_unemployed(9, None) == ""


def _binome(binome_id, mentor, mentee, started, exit_at=None, exit_kind=None, outcome=None):
    return {"binome_id": binome_id, "programme_id": "default", "mentor_id": mentor, "mentee_id": mentee,
            "started_at": started, "exit_at": exit_at, "exit_kind": exit_kind, "outcome": outcome,
            "mentor_profile": {"gender": "male"}, "mentor_organisation_id": "logistix",
            "mentee_profile": {"gender": "female"}, "mentee_organisation_id": "forem"}


def test_a_person_with_two_binomes_is_one_participant_entering_at_the_first_and_leaving_as_the_last_ended():
    march, june = datetime(2026, 3, 1, tzinfo=timezone.utc), datetime(2026, 6, 1, tzinfo=timezone.utc)
    binomes = [_binome("b2", "anne", "bilal", june, datetime(2026, 9, 1, tzinfo=timezone.utc), "positive", "job"),
               _binome("b1", "anne", "bilal", march, datetime(2026, 4, 1, tzinfo=timezone.utc), "early_stop"),
               _binome("b0", "dirk", "chloe", None)]  # never began: nobody took part through it
    [line] = reports.esf_lines(binomes)
    line = dict(zip(reports.ESF_COLUMNS, line))
    assert (line["participant_id"], line["entry_date"], line["leaving_date"], line["situation_on_leaving"]) == (
        "bilal", "2026-03-01", "2026-09-01", "employed")
    taking_part = reports.participants_of(binomes, 2026)
    assert sorted((p.person_id, p.role, p.started_at) for p in taking_part) == [
        ("anne", "mentor", march), ("bilal", "mentee", march)]
    assert reports.participants_of(binomes, 2025) == []
