"""Messages as codes, rendered at the edge in the reader's language (French first, then Dutch and English).

Catalogues are gettext `.po` files under `i18n/locale/<lang>/LC_MESSAGES/messages.po`, read with Babel; a
message id is a code (`error.stage_refuses`, `stage.proposed`, `task.monitoring_contact`), its text a
`str.format` template over the code's params. A param whose name ends in `_code` is itself a code and is
rendered first (so `{stage}` shows "Proposé au mentor", not "proposed").
"""

from functools import cache
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError, negotiate_locale
from babel.messages.pofile import read_po

LANGUAGES = ("fr", "nl", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def catalogue(language: str) -> dict[str, str]:
    path = _LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as po:
        return {str(m.id): str(m.string) for m in read_po(po, locale=language) if m.id and m.string}


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an `Accept-Language` header (q-values honoured); French by default."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            ranked.append((-weight, index, tag.strip().replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(ranked)]
    try:
        found = negotiate_locale(preferred, list(LANGUAGES), sep="_")
    except (UnknownLocaleError, ValueError):
        found = None
    if found is None:
        # "nl-BE" matches "nl": compare on the language alone.
        for tag in preferred:
            language = tag.split("_")[0].lower()
            if language in LANGUAGES:
                return language
    return found or DEFAULT_LANGUAGE


def render(code: str, params: dict[str, Any] | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """The text of `code` in `language` (else French, else the code itself), filled with `params`."""
    template = catalogue(language).get(code) or catalogue(DEFAULT_LANGUAGE).get(code) or code
    values = {}
    for name, value in (params or {}).items():
        values[name] = render(str(value), None, language) if name.endswith("_code") and value is not None else value
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def language_name(language: str) -> str:
    try:
        return Locale.parse(language).get_display_name(language) or language
    except (UnknownLocaleError, ValueError):
        return language
