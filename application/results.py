"""The programme's results for its staff, within the reader's programmes: the figures (always current, from the
results view; for one programme, and for one partner organisation's people if asked), the yearly profile
analysis and the participants' lines for funders."""

import asyncio
from collections import Counter

from application.data_reads import PersonalDataReads
from domain import reports, results
from domain.errors import NotFound
from domain.principals import Principal
from domain.visibility import listed_programmes
from projections.results_reads import ResultReads


class ResultsService:
    def __init__(self, reads: ResultReads, data_reads: PersonalDataReads):
        self._reads = reads
        self._data_reads = data_reads

    async def results(self, principal: Principal, programme_id: str | None = None,
                      organisation_id: str | None = None) -> results.Results:
        if programme_id is not None and not principal.sees_programme(programme_id):
            raise NotFound("programme_not_found", field="programme_id", programme_id=programme_id)
        rows = await asyncio.to_thread(self._reads.rows, programme_id, listed_programmes(principal), organisation_id)
        return results.summarise(rows)

    async def profile_analysis(self, principal: Principal, year: int,
                               programme_id: str | None = None) -> dict[str, dict[str, Counter[str]]]:
        """Who took part in `year` (their binôme's period began that year), counted per profile dimension."""
        rows = await self._of_year(principal, year, programme_id)
        participants: dict[str, reports.Participant] = {}
        for row in rows:
            if row["started_at"] is None or row["started_at"].year != year:
                continue
            for role in ("mentor", "mentee"):
                person_id = row[f"{role}_id"]
                if person_id and person_id not in participants:  # first binôme of the year: rows by start
                    participants[person_id] = reports.Participant(
                        person_id, role, row[f"{role}_profile"], row[f"{role}_organisation_id"], row["started_at"])
        return reports.analyse(participants.values())

    async def esf_lines(self, principal: Principal, year: int, programme_id: str | None = None) -> list[list]:
        """One line per mentee whose binôme began or ended in `year` (entering at their first, leaving as their last
        ended); the read is logged (they are people)."""
        rows = sorted((row for row in await self._of_year(principal, year, programme_id)
                       if row["started_at"] is not None and row["mentee_id"]), key=lambda row: row["started_at"])
        first: dict[str, dict] = {}
        last: dict[str, dict] = {}
        for row in rows:
            first.setdefault(row["mentee_id"], row)
            last[row["mentee_id"]] = row
        await self._data_reads.record(principal, sorted(first), "reports.esf")
        return [reports.esf_line(mentee, entry["programme_id"], entry["mentee_profile"],
                                 entry["mentee_organisation_id"], entry["started_at"], last[mentee]["exit_at"],
                                 last[mentee]["exit_kind"], last[mentee]["outcome"])
                for mentee, entry in first.items()]

    async def _of_year(self, principal: Principal, year: int, programme_id: str | None) -> list[dict]:
        if programme_id is not None and not principal.sees_programme(programme_id):
            raise NotFound("programme_not_found", field="programme_id", programme_id=programme_id)
        return await asyncio.to_thread(self._reads.of_year, year, programme_id, listed_programmes(principal))
