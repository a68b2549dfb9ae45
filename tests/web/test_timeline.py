"""The audit timeline's CSV: a name typed by someone never reads as a spreadsheet formula."""

import csv
import io
from datetime import datetime, timezone

from web.timeline import Entry, as_csv


def test_a_name_or_a_note_that_looks_like_a_formula_is_quoted():
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    entry = Entry(3, "MeetingHeld", "meetings", moment, moment, "mentor", '=HYPERLINK("http://x","y")',
                  (("notes", "@SUM(A1)"),))
    [_, row] = list(csv.reader(io.StringIO(as_csv([entry], lambda e: "Rencontre tenue"))))
    assert row[4] == "'=HYPERLINK(\"http://x\",\"y\")" and row[6] == "Rencontre tenue"
    assert row[7].startswith("{")  # the details are JSON: they begin with a brace, never a formula
