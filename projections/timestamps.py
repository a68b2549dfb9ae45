"""One text form for instants in the views: UTC, fixed width (4-digit year), so text order is time order."""

from datetime import datetime, timezone


def to_text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    # isoformat pads the year to four digits (strftime('%Y') does not below 1000 on Linux).
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_text(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=timezone.utc) if text else None
