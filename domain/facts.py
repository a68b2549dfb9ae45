"""A fact: something that happened to a binôme (or a person), as the event store keeps it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ACTOR_KINDS = ("staff", "mentor", "mentee", "integration", "isp", "company", "system")


@dataclass(frozen=True)
class Actor:
    """Who made a fact happen: a staff user, the mentor, the mentee, an integration, or the system."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> "Actor":
        kind, _, ident = text.partition(":")
        if kind not in ACTOR_KINDS or not ident.strip():
            raise ValueError(f"expected '<kind>:<id>' with kind in {', '.join(ACTOR_KINDS)}")
        return cls(kind, ident.strip())


SYSTEM = Actor("system", "mentorat")


@dataclass(frozen=True)
class Fact:
    """`position` is the fact's place in its stream (1, 2, …): the store refuses a second fact at the same place.

    `occurred_at` is when it happened in the world (a meeting entered a week late keeps its date);
    when it was recorded is added by the store.
    """

    type: str
    position: int
    occurred_at: datetime
    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)
    # The command that produced the fact; a repeated command is recognised by it.
    command_id: str | None = None
    fingerprint: str | None = None

    def same_as(self, other: "Fact") -> bool:
        """Equality of everything that identifies the fact (a retried write must match it)."""
        return (
            self.type == other.type
            and self.position == other.position
            and self.command_id == other.command_id
            and self.occurred_at == other.occurred_at
            and self.data == other.data
        )


def same_facts(held: Sequence[Fact], decided: Sequence[Fact]) -> bool:
    """Whether a stream holds exactly the facts decided, place for place (`Fact.same_as`)."""
    return len(held) == len(decided) and all(h.same_as(d) for h, d in zip(held, decided))
