"""One stored event class per fact type of the catalogue, so stored events say their type in their topic
(`eventstore.fact_events:MeetingHeld`) and older shapes are upcast by eventsourcing's own `class_version`
mechanism, with the catalogue's upcasters."""

import sys
from datetime import datetime
from typing import Any

from eventsourcing.domain import DomainEvent

from domain import catalogue


class FactRecorded(DomainEvent):
    """The stored form of a fact. `timestamp` is when it was recorded; `occurred_at` when it happened.

    Facts stored before the catalogue existed have this class's topic (`eventstore.store:FactRecorded`) and the
    first version of their type's data.
    """

    type: str
    occurred_at: datetime
    actor_kind: str
    actor_id: str
    data: dict[str, Any]
    command_id: str | None
    fingerprint: str | None


def _upcaster(step):
    def upcast(state: dict[str, Any]) -> None:
        state["data"] = step(state["data"])

    return staticmethod(upcast)


def _event_class(spec: catalogue.FactSpec) -> type[FactRecorded]:
    namespace: dict[str, Any] = {"__module__": __name__, "__qualname__": spec.type, "class_version": spec.version}
    for version, step in spec.upcasters.items():
        namespace[f"upcast_v{version}_v{version + 1}"] = _upcaster(step)
    return type(spec.type, (FactRecorded,), namespace)


EVENT_CLASSES: dict[str, type[FactRecorded]] = {name: _event_class(spec) for name, spec in catalogue.SPECS.items()}
# Module attributes, so eventsourcing resolves each topic back to its class.
vars(sys.modules[__name__]).update(EVENT_CLASSES)


def data_in_current_shape(event: FactRecorded) -> dict[str, Any]:
    """The library upcasts typed events; a fact stored before the catalogue is at its type's first version."""
    if type(event) is FactRecorded and event.type in catalogue.SPECS:
        return catalogue.upcast(event.type, 1, event.data)
    return event.data
