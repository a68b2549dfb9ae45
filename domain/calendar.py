"""Calendar arithmetic the programme speaks in (months of a mentoring period)."""

import calendar
from datetime import date, datetime


def add_months(moment: datetime, months: int) -> datetime:
    """Same day-of-month `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def parse_date(value: str) -> date:
    return date.fromisoformat(value)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
