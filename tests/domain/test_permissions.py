"""Who may read which rows, once their role may read that kind of row at all."""

from domain.permissions import GRANTS, Permission, may
from domain.principals import Principal, Role
from domain.visibility import may_see_binome, may_see_person

COORDINATOR = Principal(Role.COORDINATOR, "claire", frozenset({"bxl"}))
ISP = Principal(Role.ISP, "forem-user", organisation_id="forem")
COMPANY = Principal(Role.COMPANY, "acme-user", organisation_id="acme")
MENTOR = Principal(Role.MENTOR, "anne-account", person_id="anne")


def test_only_administrators_manage_accounts_integrations_and_read_the_log():
    for permission in (Permission.ACCOUNTS_MANAGE, Permission.INTEGRATIONS_MANAGE, Permission.AUDIT_READ,
                       Permission.PROGRAMMES_MANAGE):
        assert GRANTS[permission] == {Role.ADMINISTRATOR}


def test_partners_never_read_a_binomes_detail_or_history():
    for partner in (ISP, COMPANY):
        assert not may(partner, Permission.BINOMES_READ) and not may(partner, Permission.BINOMES_HISTORY)
    assert may(ISP, Permission.BINOMES_LIST) and not may(COMPANY, Permission.BINOMES_LIST)


def test_a_coordinator_sees_the_people_of_their_programmes_only():
    assert may_see_person(COORDINATOR, "mentee", "p1", "bxl", None)
    assert not may_see_person(COORDINATOR, "mentee", "p1", "wallonie", None)


def test_a_partner_sees_its_own_people_of_the_role_it_deals_with():
    assert may_see_person(ISP, "mentee", "p1", "bxl", "forem")
    assert not may_see_person(ISP, "mentee", "p1", "bxl", "actiris")
    assert not may_see_person(ISP, "mentor", "p1", "bxl", "forem")
    assert may_see_person(COMPANY, "mentor", "p2", "bxl", "acme")
    assert not may_see_person(COMPANY, "mentee", "p2", "bxl", "acme")
    assert not may_see_person(ISP, "mentee", "p1", "bxl", None)


def test_the_pair_see_themselves_and_their_own_binome():
    assert may_see_person(MENTOR, "mentor", "anne", "bxl", None)
    assert not may_see_person(MENTOR, "mentor", "marc", "bxl", None)
    assert not may_see_person(MENTOR, "mentee", "anne", "bxl", None)
    assert may_see_binome(MENTOR, "bxl", "anne", "bilal") and not may_see_binome(MENTOR, "bxl", "marc", "bilal")
    assert not may_see_binome(ISP, "bxl", "anne", "bilal")
