"""The skills-sponsorship report: each employee's hours by activity in the period, valued at the agreement in force
each day; what came before any agreement is counted and said not valued."""

from datetime import date

from domain.organisations import Agreement
from domain.sponsorship import Entry, report
from tests.domain.gwt import utc
from tests.domain.test_organisations import company

FIRST = Agreement(date(2025, 2, 1), "DRH", True, 6000)  # 60 € an hour
RENEWED = Agreement(date(2025, 6, 1), "DRH", True, 7500)  # 75 € an hour
NOW = utc(2026, 3, 1)
EMPLOYEES = {"p-anne": "Anne", "p-bob": "Bob", "p-chloe": "Chloé"}


def test_hours_are_summed_per_activity_and_valued_at_the_agreement_in_force_that_day():
    entries = [
        Entry("p-anne", "information_session", utc(2025, 1, 20), 60),  # before any agreement
        Entry("p-anne", "training", utc(2025, 2, 10), 240),
        Entry("p-anne", "meeting", utc(2025, 6, 3), 90),
        Entry("p-bob", "meeting", utc(2025, 5, 31), 45),
        Entry("p-bob", "closure_meeting", utc(2026, 1, 5), 90),  # after the period
        Entry("p-someone-else", "meeting", utc(2025, 3, 1), 60),  # not this company's
    ]

    made = report(company(FIRST, RENEWED, at=NOW), EMPLOYEES, entries, date(2025, 1, 1), date(2025, 12, 31))

    anne, bob, chloe = made.lines
    assert (anne.name, anne.minutes["information_session"], anne.minutes["training"], anne.minutes["meeting"]) == (
        "Anne", 60, 240, 90)
    assert anne.total_minutes == 390
    assert anne.value_cents == 4 * 6000 + 90 * 7500 // 60  # 4 h at 60 €, 1.5 h at 75 €: 352.50 €
    assert anne.unvalued_minutes == 60
    assert (bob.total_minutes, bob.value_cents) == (45, 4500)
    assert (chloe.total_minutes, chloe.value_cents) == (0, 0)  # an employee with no hours is still listed
    assert (made.total_minutes, made.total_value_cents, made.unvalued_minutes) == (435, 35250 + 4500, 60)


def test_both_ends_of_the_period_are_included():
    entries = [Entry("p-anne", "meeting", utc(2025, 3, 1, 0, 0), 60),
               Entry("p-anne", "meeting", utc(2025, 3, 31, 23), 60)]

    made = report(company(FIRST, at=NOW), EMPLOYEES, entries, date(2025, 3, 1), date(2025, 3, 31))

    assert made.lines[0].total_minutes == 120


def test_a_value_is_rounded_once_per_line_to_the_nearest_cent():
    cheap = Agreement(date(2025, 1, 1), "DRH", True, 1)  # a cent an hour
    entries = [Entry("p-anne", "meeting", utc(2025, 3, d), 20) for d in (1, 2, 3)]  # 3 × 1/3 cent

    made = report(company(cheap, at=NOW), {"p-anne": "Anne"}, entries, date(2025, 1, 1), date(2025, 12, 31))

    assert made.lines[0].value_cents == 1


def test_hours_under_an_agreement_without_working_time_are_the_employees_own_and_not_valued():
    own_time = Agreement(date(2025, 1, 1), "DRH", False, 6000)

    made = report(company(own_time, at=NOW), {"p-anne": "Anne"}, [Entry("p-anne", "meeting", utc(2025, 3, 1), 60)],
                  date(2025, 1, 1), date(2025, 12, 31))

    assert (made.lines[0].total_minutes, made.lines[0].value_cents, made.unvalued_minutes) == (60, 0, 60)
