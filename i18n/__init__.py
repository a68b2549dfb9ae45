"""Messages as codes, rendered at the edge in the reader's language (French first, then Dutch and English).

Catalogues are gettext `.po` files under `i18n/locale/<lang>/LC_MESSAGES/` (`messages.po` for the API and the
domain, `web.po` for the pages' own texts), read with Babel; a
message id is a code (`contract_before_validations`, `stage.proposed`, `task.monitoring_contact`), its text a
`str.format` template over the code's params. A param whose name ends in `_code` is itself a code, rendered
first and filled in without the suffix (`stage_code="stage.proposed"` fills `{stage}` with "Proposé au mentor").
"""

import string
from functools import cache
from pathlib import Path
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

LANGUAGES = ("fr", "nl", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALE_DIR = Path(__file__).parent / "locale"
# A code with no text of its own reads as its family's generic text (a pydantic type we did not word).
_FAMILY_FALLBACKS = {"invalid.": "invalid.value", "http.": "http.error"}


@cache
def catalogue(language: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted((_LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as po:
            texts.update({str(m.id): str(m.string) for m in read_po(po, locale=language) if m.id and m.string})
    return texts


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an `Accept-Language` header (q-values honoured; "nl-BE" is Dutch).

    French when the header is absent, unreadable or names none of our languages.
    """
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, *options = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = tag.replace("_", "-").split("-")[0].lower()
        if language in LANGUAGES and weight > 0:
            ranked.append((-weight, index, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def template(code: str, language: str = DEFAULT_LANGUAGE) -> str | None:
    """The text of `code` in `language`, else in French, else its family's generic text; None if none."""
    for candidate in (code, *(generic for prefix, generic in _FAMILY_FALLBACKS.items() if code.startswith(prefix))):
        for lang in (language, DEFAULT_LANGUAGE):
            text = catalogue(lang).get(candidate)
            if text:
                return text
    return None


def placeholders(text: str) -> set[str]:
    """The names a template fills in: "{what} est obligatoire." -> {"what"}."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def values_for(params: dict[str, Any] | None, language: str) -> dict[str, Any]:
    """The params as a template reads them: every `*_code` param rendered and named without its suffix."""
    values: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if name.endswith("_code") and isinstance(value, str):
            values[name.removesuffix("_code")] = render(value, None, language)
        else:
            values[name] = value
    return values


def render(code: str, params: dict[str, Any] | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """The text of `code` in `language` filled with `params`; never raises (an unknown code reads as itself)."""
    text = template(code, language)
    if text is None:
        return code
    try:
        return text.format(**values_for(params, language))
    except (KeyError, IndexError, ValueError, AttributeError):
        return text


def language_name(language: str) -> str:
    try:
        return Locale.parse(language).get_display_name(language) or language
    except (UnknownLocaleError, ValueError):
        return language
