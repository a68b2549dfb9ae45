"""What each role may ask for at all, by permission: decided before anything is looked up (403 when not).

Which rows a permitted principal then sees is its scope (`Principal.sees_programme`, the person or organisation it
is): a row outside it answers 404, as if it did not exist. Which binôme command a mentor, a mentee or an
integration may send, and for which side, is the programme's rule in `domain.access`.
"""

from enum import StrEnum

from domain.errors import Forbidden
from domain.principals import Principal, Role

A, C, MR, ME, I, CO, INT = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.MENTOR, Role.MENTEE, Role.ISP, Role.COMPANY,
                            Role.INTEGRATION)


class Permission(StrEnum):
    PROGRAMMES_READ = "programmes.read"
    PROGRAMMES_MANAGE = "programmes.manage"
    PERSONS_REGISTER = "persons.register"
    PERSONS_CHANGE = "persons.change"
    PERSONS_LIST = "persons.list"
    PERSONS_READ = "persons.read"
    JOURNEYS_RECORD = "journeys.record"
    JOURNEYS_READ = "journeys.read"
    ORGANISATIONS_MANAGE = "organisations.manage"
    ORGANISATIONS_READ = "organisations.read"
    SPONSORSHIP_REPORT = "sponsorship.report"
    PARTNER_FEED_READ = "partner_feed.read"
    PARTNER_WEBHOOK_MANAGE = "partner_webhook.manage"
    BINOMES_PROPOSE = "binomes.propose"
    BINOMES_COMMAND = "binomes.command"
    BINOMES_LIST = "binomes.list"
    BINOMES_READ = "binomes.read"
    BINOMES_HISTORY = "binomes.history"
    TASKS_READ = "tasks.read"
    MATCHING_USE = "matching.use"
    REPORTS_READ = "reports.read"
    ACCOUNTS_MANAGE = "accounts.manage"
    INTEGRATIONS_MANAGE = "integrations.manage"
    AUDIT_READ = "audit.read"
    PAYLOADS_DECODE = "payloads.decode"


GRANTS: dict[Permission, frozenset[Role]] = {permission: frozenset(roles) for permission, roles in {
    Permission.PROGRAMMES_READ: (A, C),
    Permission.PROGRAMMES_MANAGE: (A,),
    Permission.PERSONS_REGISTER: (A, C),
    Permission.PERSONS_CHANGE: (A, C),
    # A partner lists its own people: an ISP the mentees it referred, a company its employees who mentor.
    Permission.PERSONS_LIST: (A, C, I, CO),
    Permission.PERSONS_READ: (A, C, MR, ME, I, CO),
    # The journey's steps, the interviews' contents, the pipelines: the programme's staff.
    Permission.JOURNEYS_RECORD: (A, C),
    Permission.JOURNEYS_READ: (A, C),
    # Partners read their own organisation (its agreement); a company its skills-sponsorship report.
    Permission.ORGANISATIONS_MANAGE: (A, C),
    Permission.ORGANISATIONS_READ: (A, C, I, CO),
    Permission.SPONSORSHIP_REPORT: (A, C, CO),
    # An ISP reads the progress of the mentees it referred (administrators too, to answer its questions).
    Permission.PARTNER_FEED_READ: (A, I),
    # The feed pushed to the ISP's own system: set by the ISP itself, or by an administrator for it.
    Permission.PARTNER_WEBHOOK_MANAGE: (A, I),
    Permission.BINOMES_PROPOSE: (A, C),
    # Which command, on which binôme, for which side: domain.access.
    Permission.BINOMES_COMMAND: (A, C, MR, ME, INT),
    # An ISP follows its mentees' progress (the stage), never the binôme's notes or history.
    Permission.BINOMES_LIST: (A, C, MR, ME, I),
    Permission.BINOMES_READ: (A, C, MR, ME),
    Permission.BINOMES_HISTORY: (A, C),
    Permission.TASKS_READ: (A, C),
    # Suggestions, pairs explained and cohort drafts cross the profiles of both sides: the programme's staff.
    Permission.MATCHING_USE: (A, C),
    # The yearly profile analysis and the funders' participant lists: the programme's staff.
    Permission.REPORTS_READ: (A, C),
    Permission.ACCOUNTS_MANAGE: (A,),
    Permission.INTEGRATIONS_MANAGE: (A,),
    Permission.AUDIT_READ: (A,),
    # Temporal's payloads hold every programme's binômes: no programme scope can be applied to them.
    Permission.PAYLOADS_DECODE: (A,),
}.items()}


def may(principal: Principal, permission: Permission) -> bool:
    return principal.role in GRANTS[permission]


def require(principal: Principal, permission: Permission) -> None:
    if not may(principal, permission):
        raise Forbidden("role_may_not", permission=permission.value, role=principal.role.value)
