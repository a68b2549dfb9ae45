"""A person id as the person's own stream spells it (a proposal may name it in capitals, or in braces)."""

import uuid


def as_streamed(person_id: str) -> str:
    try:
        return str(uuid.UUID(person_id))
    except ValueError:
        return person_id  # not a stream id at all: kept, so it matches nothing rather than failing the fact
