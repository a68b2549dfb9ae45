"""The programme's results for its staff: always current, from the results view, within the reader's programmes;
for one programme, and for one partner organisation's people if asked."""

import asyncio

from domain import results
from domain.errors import NotFound
from domain.principals import Principal
from domain.visibility import listed_programmes
from projections.results_reads import ResultReads


class ResultsService:
    def __init__(self, reads: ResultReads):
        self._reads = reads

    async def results(self, principal: Principal, programme_id: str | None = None,
                      organisation_id: str | None = None) -> results.Results:
        if programme_id is not None and not principal.sees_programme(programme_id):
            raise NotFound("programme_not_found", field="programme_id", programme_id=programme_id)
        rows = await asyncio.to_thread(self._reads.rows, programme_id, listed_programmes(principal), organisation_id)
        return results.summarise(rows)
