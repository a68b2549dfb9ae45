"""The organisations and the mentors' hours are views like the others: a rebuild from zero gives the same rows; a
closure meeting counts its programme's meeting duration; hours stay with the company that employed the mentor
then; a meeting of a binôme the view never saw proposed is set
aside while every other fact applies."""

import uuid
from datetime import date, timedelta

from domain import organisations
from domain.organisations import Agreement, OrganisationState
from domain.programme import Programme
from domain.facts import Actor, Fact
from tests.projections.recording import T0, register

STAFF = Actor("staff", "claire")


def rows(container) -> tuple:
    views = container.views
    hours = sorted((e.person_id, e.activity, e.minutes) for e in views.company_hours("acme", None)[1])
    return views.organisation("acme"), hours


def test_organisations_and_mentor_hours_rebuild_to_the_same_rows_and_one_bad_fact_stops_no_other(container):
    store = container.store
    acme = OrganisationState("acme")
    facts = organisations.register(acme, "company", "Acme", STAFF, T0, "reg", None)
    organisations.evolve(acme, facts[0])
    facts += organisations.sign_agreement(acme, Agreement(date(2024, 1, 1), "DRH", True, 6000), STAFF, T0, "s", None)
    store.append(uuid.uuid5(uuid.NAMESPACE_URL, "acme"), facts)
    mentor = uuid.uuid4()
    store.append(mentor, [Fact("MentorRegistered", 1, T0, STAFF, {
        "name": "Anne", "email": None, "phone": None, "languages": [], "programme_id": "default",
        "organisation_id": "acme", "capacity": 1, "step": "candidate", "background": "employee"}),
        Fact("InformationSessionAttended", 2, T0, STAFF, {"duration_minutes": 60, "session_id": None})])
    mentee = register(store, "mentee", "Bilal")
    binome = uuid.uuid4()
    programme = {**Programme().to_dict(), "meeting_minutes": 75}
    store.append(binome, [
        Fact("MentorshipProposed", 1, T0, STAFF, {"mentor_id": str(mentor), "mentee_id": str(mentee), "note": "",
                                                  "programme": programme, "programme_id": "default",
                                                  "response_due_at": (T0 + timedelta(days=7)).isoformat()}),
        Fact("MeetingHeld", 2, T0, STAFF, {"mode": "video", "duration_minutes": 45, "notes": "",
                                           "actions_progressed": []}),
        Fact("ClosureMeetingHeld", 3, T0, STAFF, {"notes": ""})])
    orphan = uuid.uuid4()  # a meeting of a binôme never proposed: no mentor to count it for
    store.append(orphan, [Fact("MeetingHeld", 1, T0, STAFF, {"mode": "video", "duration_minutes": 30, "notes": "",
                                                             "actions_progressed": []})])

    # Anne moves to Globex: what she gave while at Acme stays Acme's.
    store.append(mentor, [Fact("PersonProfileChanged", 3, T0, STAFF, {"changes": {"organisation_id": "globex"}})])
    store.append(binome, [Fact("MeetingHeld", 4, T0, STAFF, {"mode": "video", "duration_minutes": 20, "notes": "",
                                                             "actions_progressed": []})])

    container.projector.catch_up()

    assert [(e.person_id, e.minutes) for e in container.views.company_hours("globex", None)[1]] == [(str(mentor), 20)]
    organisation, hours = rows(container)
    assert (organisation["kind"], organisation["agreements"][0].hourly_cost_cents) == ("company", 6000)
    assert hours == [(str(mentor), "closure_meeting", 75), (str(mentor), "information_session", 60),
                     (str(mentor), "meeting", 45)]
    assert [p.stream_id for p in container.projector.parked("mentor_hours")] == [str(orphan)]
    before = rows(container)

    container.projector.rebuild()

    assert rows(container) == before
    assert [p.stream_id for p in container.projector.parked("mentor_hours")] == [str(orphan)]
