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
    """Each matching criterion: mandatory (a box) and its weight (a number; an unreadable one stays as typed for
    the model to name)."""
    rules = {}
    for criterion in CRITERIA:
        weight = str(posted.get(f"matching.{criterion}.weight") or "0").strip()
        rules[criterion] = {"mandatory": posted.get(f"matching.{criterion}.mandatory") == "on",
                            "weight": int(weight) if weight.isdecimal() and len(weight) < 6 else weight}
    return rules


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
