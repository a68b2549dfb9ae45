"""Projection "programmes": each programme with its settings as they stand."""

import json

from sqlalchemy import Connection, insert, select, update

from domain import catalogue, programmes as domain_programmes
from eventstore import RecordedFact
from projections.projection import Batch, Projection
from projections.tables import programmes
from projections.timestamps import to_text


class ProgrammesProjection(Projection):
    name = "programmes"
    tables = (programmes,)

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.PROGRAMME)

    def batch(self, conn: Connection) -> "ProgrammesBatch":
        return ProgrammesBatch(conn)


class ProgrammesBatch(Batch):
    def __init__(self, conn: Connection):
        self._conn = conn

    def apply(self, recorded: RecordedFact) -> None:
        fact, stream_id = recorded.fact, str(recorded.stream_id)
        if fact.type == "ProgrammeCreated":
            state = domain_programmes.fold(fact.data["programme_id"], [fact])
            self._conn.execute(insert(programmes), {
                "programme_id": state.programme_id, "stream_id": stream_id, "name": state.programme.name,
                "settings": json.dumps(state.programme.to_dict()), "version": fact.position,
                "created_at": to_text(fact.occurred_at)})
            return
        row = self._conn.execute(select(programmes).where(programmes.c.stream_id == stream_id)).mappings().one()
        state = domain_programmes.ProgrammeState(row["programme_id"])
        state.programme = domain_programmes.Programme(**json.loads(row["settings"]))
        domain_programmes.evolve(state, fact)
        self._conn.execute(update(programmes).where(programmes.c.stream_id == stream_id).values(
            name=state.programme.name, settings=json.dumps(state.programme.to_dict()), version=fact.position))

    def flush(self) -> None:
        pass
