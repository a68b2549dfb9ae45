"""The demo: months of a programme's life written through the real services into an empty installation, ending
today; its binômes still open then run on Temporal from their state and take commands."""

from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest

from application.resumption import resume_open_binomes
from application.temporal_gateway import BinomeWorkflows
from domain.principals import Principal, Role
from mentorat.bootstrap import build_container, build_temporal_worker, build_services, with_payload_codec
from mentorat.cli import run_demo
from tests.support.assertions import not_once
from tests.support.settings import sqlite_settings

pytestmark = pytest.mark.slow
ADMIN = Principal(Role.ADMINISTRATOR, "test-admin")


async def test_the_demo_fills_an_empty_installation_with_a_living_programme(tmp_path, time_skipping_env, task_queue):
    settings = sqlite_settings(tmp_path / "data", task_queue=task_queue)
    assert await run_demo(settings, mentors=14, mentees=20, seed=7) == 0
    assert await run_demo(settings, mentors=14, mentees=20, seed=7) == 1  # not empty any more: refused

    container = build_container(settings)
    try:
        container.projector.catch_up()
        views, store = container.views, container.store
        stages = views.stage_counts(None, None)
        assert {"active", "completed"} <= set(stages) and len(stages) >= 3, stages
        assert views.persons("mentor", 100).total == 14 and views.persons("mentee", 100).total == 20
        facts = [r.fact for r in store.read_log(0, 100_000)]
        oldest = min(f.occurred_at for f in facts)
        now = datetime.now(timezone.utc)
        assert oldest < now - timedelta(days=200) and max(f.occurred_at for f in facts) <= now
        for binome_id in {str(b.binome_id) for b in views.binomes(None, None, None, None, 500).items}:
            assert not_once([r.fact for r in store.read(UUID(binome_id))]) is None
        assert views.tasks(None, None, 100).items  # due and late things for the staff, as in a real programme
        assert {a["username"] for a in views.accounts(10).items} >= {"coordination", "mentor.demo", "mentee.demo"}

        # The service starts: the open binômes get their workflows, from their state, and go on.
        container.temporal = with_payload_codec(time_skipping_env.client, settings)
        workflows = BinomeWorkflows(container.temporal, settings)
        open_ids = views.open_binome_ids()
        async with build_temporal_worker(container):
            services = build_services(container, run_projector=False)
            active = views.binomes("active", None, None, None, 1).items[0]
            # A command that comes before resumption reached its binôme: the workflow is started there and then.
            early = await services.binomes.send(UUID(active.binome_id), "LogContact", {"channel": "phone"},
                                                ADMIN, "before-resumption")
            assert [r.fact.type for r in early.facts] == ["ContactLogged"]
            assert await resume_open_binomes(store, views, workflows, container.workflow_options) == \
                len(open_ids) - 1
            assert await resume_open_binomes(store, views, workflows, container.workflow_options) == 0
            accepted = await services.binomes.send(UUID(active.binome_id), "RecordMeeting", {"mode": "video"},
                                                   ADMIN, "after-the-demo")
            assert [r.fact.type for r in accepted.facts] == ["MeetingHeld"]
    finally:
        container.close()
