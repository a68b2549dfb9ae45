"""A programme's lists as a page's form sends them: rows of key and label per list, and each matching criterion's
box and weight."""

import re
import unicodedata

from domain.matching import CRITERIA

# The lists of labels, by key, in the order the page shows them.
LABEL_LISTS = ("evaluation_questions", "first_meeting_checklist", "selection_criteria", "interview_questions")
# Empty rows under each list, for new items.
NEW_ROWS = 3
MAX_ROWS = 30 + NEW_ROWS
KEY_LENGTH = 40


def labels_of(posted, name: str) -> dict[str, str]:
    """The list as typed: `<name>.<row>.key` and `.label`, in order; a row without a label is left out, a row
    without a key gets one made from its label."""
    labels: dict[str, str] = {}
    for row in range(MAX_ROWS):
        label = str(posted.get(f"{name}.{row}.label") or "").strip()
        if not label:
            continue
        key = str(posted.get(f"{name}.{row}.key") or "").strip() or _unused(key_from(label), labels)
        labels[key] = label
    return labels


def matching_rules_of(posted) -> dict[str, dict]:
    """The matching criteria that count: each one mandatory (a box) or weighing something (a number; an unreadable
    one stays as typed for the model to name). One neither mandatory nor weighed is left out, as it does nothing."""
    rules = {}
    for criterion in CRITERIA:
        weight = str(posted.get(f"matching.{criterion}.weight") or "0").strip()
        rule = {"mandatory": posted.get(f"matching.{criterion}.mandatory") == "on",
                "weight": int(weight) if weight.isdecimal() and len(weight) < 6 else weight}
        if rule["mandatory"] or rule["weight"] != 0:
            rules[criterion] = rule
    return rules


def counting(rules: dict[str, dict]) -> dict[str, dict]:
    """A programme's matching criteria that count (as `matching_rules_of` reads them from the page)."""
    return {name: rule for name, rule in rules.items() if rule["mandatory"] or rule["weight"]}


def key_from(label: str) -> str:
    """A key for a new item, from its label: plain lower-case letters, digits and underscores."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:KEY_LENGTH].rstrip("_")
    return key if key[:1].isalpha() else f"item_{key}".rstrip("_")


def _unused(key: str, taken: dict[str, str]) -> str:
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}_{number}", number + 1
    return candidate
