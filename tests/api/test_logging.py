"""Logs: JSON lines off a terminal, with the request's request_id, binome_id and workflow id bound."""

import json
import logging

from mentorat.logging import configure_logging


async def test_request_lines_carry_request_and_binome_ids(api, capsys):
    configure_logging("json", "INFO")
    try:
        binome = await api.propose()
        await api.http.post(f"/binomes/{binome}/proposal/accept", json={}, headers={"X-Request-ID": "req-123"})
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    finally:
        logging.getLogger().handlers.clear()
    request = next(line for line in lines if line.get("event") == "request" and line.get("request_id") == "req-123")
    assert request["binome_id"] == binome and request["workflow_id"] == f"binome-{binome}"
    assert request["status"] == 201 and request["path"].endswith("/proposal/accept")
    accepted = next(line for line in lines if line.get("event") == "command_accepted"
                    and line.get("request_id") == "req-123")
    assert accepted["facts"] == ["ProposalAccepted"]
