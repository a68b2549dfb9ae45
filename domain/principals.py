"""Who asks: an authenticated principal, its role and its scope, whatever proved it (a token, a signed delivery).

Roles:
- administrator: every programme, the accounts, the settings;
- coordinator: staff of the programmes listed in its scope;
- mentor, mentee: one person (`person_id`), their own binômes only;
- isp: a job-insertion agency's user (`organisation_id`): the mentees it referred, their progress only;
- company: a partner company's user (`organisation_id`): its employees who mentor, nothing of the mentees;
- integration: a calendar or CRM reporting meetings, on the binômes of its programmes (or the few listed).

The actor of the facts a principal records is `staff:<account>`, `mentor:<person>`, `mentee:<person>`,
`integration:<id>`, `isp:<account>` or `company:<account>`: the domain's rules on sides compare it with the
binôme's people.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from domain.facts import Actor


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    COORDINATOR = "coordinator"
    MENTOR = "mentor"
    MENTEE = "mentee"
    ISP = "isp"
    COMPANY = "company"
    INTEGRATION = "integration"


STAFF = frozenset({Role.ADMINISTRATOR, Role.COORDINATOR})
PAIR = frozenset({Role.MENTOR, Role.MENTEE})
PARTNERS = frozenset({Role.ISP, Role.COMPANY})
# What each role's scope names: a person, an organisation, or programmes (administrators need none).
NEEDS_PERSON = PAIR
NEEDS_ORGANISATION = PARTNERS
NEEDS_PROGRAMMES = frozenset({Role.COORDINATOR, Role.INTEGRATION})


@dataclass(frozen=True)
class Principal:
    role: Role
    # The account (or integration) id: who, for the audit trail.
    id: str
    programmes: frozenset[str] = field(default_factory=frozenset)
    person_id: str | None = None
    organisation_id: str | None = None
    # An integration limited to some binômes (empty: every binôme of its programmes).
    binomes: frozenset[str] = field(default_factory=frozenset)

    @property
    def actor(self) -> Actor:
        if self.role in PAIR:
            return Actor(self.role.value, self.person_id or "")
        if self.role is Role.INTEGRATION:
            return Actor("integration", self.id)
        if self.role in PARTNERS:
            return Actor(self.role.value, self.id)
        return Actor("staff", self.id)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    def sees_programme(self, programme_id: str | None) -> bool:
        """Whether this principal's scope covers a programme (administrators: all of them)."""
        if self.role is Role.ADMINISTRATOR:
            return True
        return programme_id is not None and programme_id in self.programmes

    def may_touch_binome(self, binome_id: str, programme_id: str | None) -> bool:
        """For staff and integrations: the binôme lies in their scope (the pair's own rule is domain.access)."""
        if self.role is Role.INTEGRATION and self.binomes and binome_id not in self.binomes:
            return False
        return self.sees_programme(programme_id)
