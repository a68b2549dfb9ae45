"""Projection "personal_data_reads": one row per person whose personal data a read showed, with who read it and
when, so an administrator answers a data-subject access request ("who saw my file?")."""

from sqlalchemy import Connection, insert

from domain import catalogue
from eventstore import RecordedFact
from projections.projection import Batch, Projection
from projections.tables import personal_data_reads
from projections.timestamps import to_text


class PersonalDataReadsProjection(Projection):
    name = "personal_data_reads"
    tables = (personal_data_reads,)

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.AUDIT)

    def batch(self, conn: Connection) -> "PersonalDataReadsBatch":
        return PersonalDataReadsBatch(conn)


class PersonalDataReadsBatch(Batch):
    def __init__(self, conn: Connection):
        self._conn = conn
        self._rows: list[dict] = []

    def apply(self, recorded: RecordedFact) -> None:
        fact = recorded.fact
        self._rows.extend({"entry_id": f"{recorded.stream_id}/{person_id}", "person_id": person_id,
                           "reader": str(fact.actor), "what": fact.data["what"],
                           "read_at": to_text(fact.occurred_at)} for person_id in fact.data["subjects"])

    def flush(self) -> None:
        if self._rows:
            self._conn.execute(insert(personal_data_reads), self._rows)
            self._rows = []
