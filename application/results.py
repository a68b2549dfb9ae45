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
        _check_sees(principal, programme_id)
        rows = await asyncio.to_thread(self._reads.rows, programme_id, listed_programmes(principal), organisation_id)
        return results.summarise(rows)

    async def profile_analysis(self, principal: Principal, year: int,
                               programme_id: str | None = None) -> dict[str, dict[str, Counter[str]]]:
        """Who took part in `year` (their binôme's period began that year), counted per profile dimension."""
        return reports.analyse(reports.participants_of(await self._of_year(principal, year, programme_id), year))

    async def esf_lines(self, principal: Principal, year: int, programme_id: str | None = None) -> list[list]:
        """One line per mentee whose binôme began or ended in `year`; the read is logged (they are people)."""
        lines = reports.esf_lines(await self._of_year(principal, year, programme_id))
        await self._data_reads.record(principal, [line[0] for line in lines], "reports.esf")
        return lines

    async def _of_year(self, principal: Principal, year: int, programme_id: str | None) -> list[dict]:
        _check_sees(principal, programme_id)
        return await asyncio.to_thread(self._reads.of_year, year, programme_id, listed_programmes(principal))


def _check_sees(principal: Principal, programme_id: str | None) -> None:
    """A programme outside the reader's scope is, to them, one that does not exist."""
    if programme_id is not None and not principal.sees_programme(programme_id):
        raise NotFound("programme_not_found", field="programme_id", programme_id=programme_id)
