"""The lifecycle through HTTP: commands, refusals, idempotent meetings, reads, history and staff tasks."""

import asyncio
import uuid
from datetime import datetime, timedelta

from domain.calendar import add_months
from mentorat.bootstrap import with_payload_codec
from workflows.types import workflow_id


async def test_a_binome_from_proposal_to_completion(api, container):
    binome = await api.through_intake()
    await api.env.sleep(timedelta(days=2))
    now = await api.env.get_current_time()
    late = (now - timedelta(days=1)).isoformat()
    secret = await api.integration("agenda")
    delivered = await api.deliver("agenda", secret, "meeting.held", {
        "binome_id": binome, "mode": "video", "occurred_at": late, "actions_progressed": ["A1"]}, "agenda-1")
    assert delivered.status_code == 201, delivered.text
    meeting = delivered.json()
    assert meeting["recorded"][0]["type"] == "MeetingHeld"
    assert meeting["recorded"][0]["occurred_at"].startswith(late[:19])
    await api.ok(f"/binomes/{binome}/contacts", {"channel": "phone"})
    await api.ok(f"/binomes/{binome}/exit/positive", {"outcome": "training", "details": "Formation de développeur"})
    await api.ok(f"/binomes/{binome}/closure-meeting", {"notes": "Fin heureuse"})
    for side in ("mentor", "mentee"):
        await api.ok(f"/binomes/{binome}/evaluations", {"side": side, "rating": 4,
                                                       "answers": {"relationship": "Très bonne"}})

    view = await api.get(f"/binomes/{binome}")
    assert view["stage"] == "completed" and view["completion_reason"] == "evaluations_received"
    assert view["meetings_held"] == 1 and view["contacts_logged"] == 1 and view["exit_kind"] == "positive"
    assert view["action_plan"][0]["title"] == "Refaire le CV"
    history = (await api.get(f"/binomes/{binome}/history"))["facts"]
    assert [f["position"] for f in history] == list(range(1, len(history) + 1))
    assert history[0]["type"] == "MentorshipProposed" and history[-1]["type"] == "BinomeCompleted"
    accepted = next(f for f in history if f["type"] == "ProposalAccepted")
    assert accepted["actor"] == f"mentor:{api.mentors[binome]}"
    held = next(f for f in history if f["type"] == "MeetingHeld")
    # Entered late: it keeps the day it happened; when it was recorded is kept apart.
    assert held["actor"] == "integration:agenda" and held["occurred_at"].startswith(late[:19])
    assert held["recorded_at"] != held["occurred_at"]
    # The API's history is the store's: same facts, same order.
    stored = container.store.read(uuid.UUID(binome))
    assert [f.fact.type for f in stored] == [f["type"] for f in history]


async def test_a_meeting_sent_twice_with_one_key_is_recorded_once(api):
    binome = await api.through_intake()
    body = {"mode": "in_person", "duration_minutes": 80, "notes": "Préparation d'entretien"}
    first = await api.post(f"/binomes/{binome}/meetings", body, **{"Idempotency-Key": "cal-42"})
    again = await api.post(f"/binomes/{binome}/meetings", body, **{"Idempotency-Key": "cal-42"})
    other = await api.post(f"/binomes/{binome}/meetings", {**body, "duration_minutes": 30},
                           **{"Idempotency-Key": "cal-42"})

    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert (other.json()["code"], other.json()["field"]) == ("idempotency_key_reused", "Idempotency-Key")
    history = (await api.get(f"/binomes/{binome}/history"))["facts"]
    assert [f["type"] for f in history].count("MeetingHeld") == 1


async def test_refused_commands_say_why_and_record_nothing(api):
    binome = await api.propose()
    early = await api.post(f"/binomes/{binome}/contract/signatures", {"party": "mentor"})
    assert early.status_code == 409
    assert early.json() == {"code": "contract_before_validations", "field": None, "params": {}, "errors": [],
                            "message": "Le contrat ne peut pas être signé avant les deux validations."}
    bad_mode = await api.post(f"/binomes/{binome}/first-meeting", {"mode": "bus"})
    assert bad_mode.status_code == 422
    assert (bad_mode.json()["code"], bad_mode.json()["field"]) == ("invalid.literal_error", "mode")
    future = await api.post(f"/binomes/{binome}/proposal/accept", {"occurred_at": "2999-01-01T10:00:00Z"})
    assert future.status_code == 422 and future.json()["field"] == "occurred_at"
    assert future.json()["code"] in ("date_in_future", "invalid.date_out_of_range")
    unknown_field = await api.post(f"/binomes/{binome}/proposal/refuse", {"reason": "x", "colour": "red"})
    assert unknown_field.status_code == 422
    assert (unknown_field.json()["code"], unknown_field.json()["field"]) == ("invalid.extra_forbidden", "colour")
    missing = await api.post("/binomes/6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11/proposal/accept")
    assert missing.status_code == 404 and missing.json()["code"] == "binome_not_found"
    not_uuid = await api.http.get("/binomes/not-a-uuid")
    assert not_uuid.status_code == 422
    assert (not_uuid.json()["code"], not_uuid.json()["field"]) == ("invalid.uuid_parsing", "binome_id")
    history = (await api.get(f"/binomes/{binome}/history"))["facts"]
    assert [f["type"] for f in history] == ["MentorshipProposed"]


async def test_a_proposal_needs_a_known_mentor_and_mentee(api):
    mentee = await api.person("mentee", "Chloé")
    answer = await api.post("/binomes", {"mentor_id": mentee, "mentee_id": mentee})
    assert answer.status_code == 404  # well formed, but names nobody: the body's reference is not found
    assert (answer.json()["code"], answer.json()["field"]) == ("mentor_not_found", "mentor_id")
    assert (await api.get("/binomes"))["total"] == 0


async def test_a_closed_binome_refuses_commands_but_repeats_its_answers(api):
    binome = await api.propose()
    refusal = await api.post(f"/binomes/{binome}/proposal/refuse", {"reason": "Indisponible"},
                             **{"Idempotency-Key": "refus-1"})
    assert refusal.status_code == 201
    await api.env.sleep(timedelta(seconds=1))
    again = await api.post(f"/binomes/{binome}/proposal/refuse", {"reason": "Indisponible"},
                           **{"Idempotency-Key": "refus-1"})
    late = await api.post(f"/binomes/{binome}/proposal/accept")
    assert again.status_code == 201 and again.json() == refusal.json()
    assert late.status_code == 409
    # Refused by the workflow while it still runs, or by the gateway from the store once it has ended.
    assert late.json()["code"] in ("binome_finished", "binome_closed")


async def test_a_proposal_repeated_after_its_binome_ended_gets_its_first_answer(api):
    mentor, mentee = await api.person("mentor", "Anne"), await api.person("mentee", "Bilal")
    body = {"mentor_id": mentor, "mentee_id": mentee}
    first = await api.post("/binomes", body, **{"Idempotency-Key": "p-ended"})
    binome = first.json()["binome_id"]
    await api.ok(f"/binomes/{binome}/proposal/refuse", {"reason": "Indisponible"})
    client = with_payload_codec(api.env.client, api.settings)  # its result is encrypted, as every payload
    await client.get_workflow_handle(f"binome-{binome}").result()  # the workflow has ended

    # The proposal's update-with-start finds a closed workflow it may not start again: the store answers.
    again = await api.post("/binomes", body, **{"Idempotency-Key": "p-ended"})
    assert again.status_code == 201 and again.json() == first.json()


async def test_overdue_monitoring_contacts_show_in_tasks_and_filters(api):
    quiet = await api.through_intake()
    busy = await api.through_intake()
    await api.env.sleep(timedelta(weeks=6, days=1))
    await api.ok(f"/binomes/{busy}/monitoring-contacts", {"outcome": "Tout va bien", "channel": "phone"})
    await api.env.sleep(timedelta(days=7))
    await api.post(f"/binomes/{busy}/meetings", {"mode": "video"})  # a command flushes what time made due

    async def overdue_tasks():
        page = await api.get("/tasks", overdue="true", kind="monitoring_contact")
        return [t for t in page["items"] if t["binome_id"] == quiet]

    for _ in range(100):  # the workflow records the overdue fact on its own timer: wait for the view
        if await overdue_tasks():
            break
        await asyncio.sleep(0.05)
    [task] = await overdue_tasks()
    view = await api.get(f"/binomes/{quiet}")
    start = datetime.fromisoformat(view["period_start"])
    assert task["since"] == (start + timedelta(weeks=6)).isoformat().replace("+00:00", "Z")
    assert task["overdue"] and task["label"] == "Contact de suivi n° 1 à réaliser — en retard, à traiter en priorité."
    assert view["term_at"] == add_months(start, 6).isoformat().replace("+00:00", "Z")
    overdue = await api.get("/binomes", overdue="true")
    assert [b["binome_id"] for b in overdue["items"]] == [quiet]
    first = await api.get("/binomes", stage="active", limit=1)
    second = await api.get("/binomes", stage="active", limit=1, cursor=first["next_cursor"])
    assert first["total"] == 2 and [len(first["items"]), len(second["items"])] == [1, 1]
    assert second["next_cursor"] is None and second["total"] is None
    assert {first["items"][0]["binome_id"], second["items"][0]["binome_id"]} == {quiet, busy}


async def test_a_command_nobody_answers_in_time_gets_a_503_that_says_to_resend(api, container, monkeypatch):
    mentor = await api.person("mentor", "Anne")
    mentee = await api.person("mentee", "Bilal")
    # No worker polls this queue: the workflow starts but nothing runs it.
    monkeypatch.setattr(container.settings, "task_queue", "nobody-listens")
    monkeypatch.setattr(container.settings, "command_timeout_seconds", 0.5)
    answer = await api.post("/binomes", {"mentor_id": mentor, "mentee_id": mentee}, **{"Idempotency-Key": "p-1"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.json()["code"] == "command_pending" and "Idempotency-Key" in answer.json()["message"]


async def test_a_command_to_an_open_binome_whose_workflow_was_terminated_is_a_503_not_closed(api, container):
    binome = await api.through_intake()
    await container.temporal.get_workflow_handle(workflow_id(binome)).terminate("by hand")
    answer = await api.post(f"/binomes/{binome}/meetings", {"mode": "video"}, **{"Idempotency-Key": "m-1"})
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
    assert answer.json()["code"] == "binome_workflow_stopped"
    history = await api.get(f"/binomes/{binome}/history")
    assert "MeetingHeld" not in [f["type"] for f in history["facts"]]  # nothing recorded
