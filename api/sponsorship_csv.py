"""A company's skills-sponsorship report as the CSV its CSR department quotes: the API's download and the pages'
are the same file, with the same default period."""

import csv
import io
from datetime import date

import i18n
from api.csv_cells import safe_cell
from domain import sponsorship


def period(period_from: date | None, period_to: date | None, today: date) -> tuple[date, date]:
    """The period asked for; by default from the 1st January of its last day's year to today."""
    period_to = period_to or today
    return period_from or period_to.replace(month=1, day=1), period_to


def filename(report: sponsorship.Report) -> str:
    return f"mecenat-{report.organisation_id}-{report.period_from}-{report.period_to}.csv"


def report_csv(report: sponsorship.Report, language: str) -> str:
    """Hours with two decimals, euros with two: what a CSR report quotes. Headers in the reader's language."""
    out = io.StringIO()
    writer = csv.writer(out)
    activities = [i18n.render(f"activity.{activity}", None, language) for activity in sponsorship.ACTIVITIES]
    writer.writerow([i18n.render("report.person_id", None, language), i18n.render("report.name", None, language),
                     *activities, i18n.render("report.total_hours", None, language),
                     i18n.render("report.value_eur", None, language),
                     i18n.render("report.unvalued_hours", None, language)])
    for line in report.lines:
        writer.writerow([line.person_id, safe_cell(line.name),
                         *(hours(line.minutes[a]) for a in sponsorship.ACTIVITIES),
                         hours(line.total_minutes), euros(line.value_cents), hours(line.unvalued_minutes)])
    writer.writerow(["", i18n.render("report.total", None, language), *([""] * len(sponsorship.ACTIVITIES)),
                     hours(report.total_minutes), euros(report.total_value_cents), hours(report.unvalued_minutes)])
    return out.getvalue()


def hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}"


def euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
