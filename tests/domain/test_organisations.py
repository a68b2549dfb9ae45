"""Partner organisations: registered once, a company's agreements in force from their signing day."""

from datetime import date

import pytest

from domain import organisations
from domain.errors import IdempotencyConflict, InvalidInput, NotAllowed
from domain.organisations import Agreement, OrganisationState
from tests.domain.gwt import PROPOSED_AT, STAFF

AGREEMENT = Agreement(date(2025, 1, 2), "Marie Lambert, DRH", True, 6500)


def company(*agreements: Agreement, at=PROPOSED_AT) -> OrganisationState:
    """Acme, registered and its agreements signed (recorded) at `at`."""
    state = OrganisationState("acme")
    for fact in organisations.register(state, "company", "Acme", STAFF, at, "reg", "fp"):
        organisations.evolve(state, fact)
    for number, agreement in enumerate(agreements):
        for fact in organisations.sign_agreement(state, agreement, STAFF, at, f"sign-{number}", "fp"):
            organisations.evolve(state, fact)
    return state


def test_an_organisation_is_registered_once_and_a_repeat_of_the_same_command_records_nothing():
    state = company()

    assert (state.kind, state.name, state.version) == ("company", "Acme", 1)
    assert organisations.register(state, "company", "Acme", STAFF, PROPOSED_AT, "reg", "fp") == []
    with pytest.raises(NotAllowed) as refused:
        organisations.register(state, "isp", "Acme", STAFF, PROPOSED_AT, "another", "fp2")
    assert (refused.value.code, refused.value.field) == ("organisation_exists", "organisation_id")


def test_an_agreement_is_a_fact_with_its_day_signatory_working_time_and_hourly_cost():
    facts = organisations.sign_agreement(company(), AGREEMENT, STAFF, PROPOSED_AT, "sign", "fp")

    assert [(f.type, f.position, f.data) for f in facts] == [("AgreementSigned", 2, {
        "signed_on": "2025-01-02", "signatory": "Marie Lambert, DRH", "working_time": True,
        "hourly_cost_cents": 6500})]


def test_the_agreement_in_force_is_the_last_one_signed_by_that_day():
    renewed = Agreement(date(2025, 1, 5), "Marie Lambert, DRH", True, 7000)
    state = company(AGREEMENT, renewed)

    assert state.agreement_on(date(2025, 1, 1)) is None
    assert state.agreement_on(date(2025, 1, 4)) == AGREEMENT
    assert state.agreement_on(date(2025, 6, 1)) == renewed


def test_only_a_company_signs_an_agreement_and_not_in_the_future():
    isp = OrganisationState("actiris")
    for fact in organisations.register(isp, "isp", "Actiris", STAFF, PROPOSED_AT, "reg", "fp"):
        organisations.evolve(isp, fact)
    with pytest.raises(NotAllowed) as refused:
        organisations.sign_agreement(isp, AGREEMENT, STAFF, PROPOSED_AT, "sign", "fp")
    assert refused.value.code == "agreement_for_companies_only"

    with pytest.raises(NotAllowed) as refused:
        organisations.sign_agreement(company(), Agreement(date(2030, 1, 1), "X", True, 1), STAFF, PROPOSED_AT,
                                     "sign", "fp")
    assert (refused.value.code, refused.value.field) == ("date_in_future", "signed_on")


def test_a_repeated_signature_records_nothing_and_another_body_under_its_key_is_refused():
    state = company(AGREEMENT)

    assert organisations.sign_agreement(state, AGREEMENT, STAFF, PROPOSED_AT, "sign-0", "fp") == []
    with pytest.raises(IdempotencyConflict):
        organisations.sign_agreement(state, AGREEMENT, STAFF, PROPOSED_AT, "sign-0", "other")


@pytest.mark.parametrize("organisation_id, kind, field", [("acme corp", "company", "organisation_id"),
                                                          ("acme", "bank", "kind")])
def test_an_id_or_kind_out_of_shape_is_refused(organisation_id, kind, field):
    with pytest.raises(InvalidInput) as refused:
        organisations.register(OrganisationState(organisation_id), kind, "Acme", STAFF, PROPOSED_AT, "reg", "fp")
    assert refused.value.field == field


def test_of_two_agreements_signed_the_same_day_the_later_one_is_in_force():
    correction = Agreement(AGREEMENT.signed_on, "Marie Lambert, DRH", True, 7000)

    assert company(AGREEMENT, correction).agreement_on(date(2025, 6, 1)) == correction


def test_a_registration_key_used_again_with_another_body_is_refused_as_such():
    with pytest.raises(IdempotencyConflict):
        organisations.register(company(), "company", "Acme SA", STAFF, PROPOSED_AT, "reg", "another body")
