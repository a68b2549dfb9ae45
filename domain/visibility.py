"""Which rows a principal may see, once its role may read that kind of row at all (domain.permissions): anything
else is answered as if it did not exist (404), so nobody learns of people or binômes outside their scope."""

from domain.principals import Principal, Role


def may_see_person(principal: Principal, role: str, person_id: str, programme_id: str,
                   organisation_id: str | None) -> bool:
    if principal.is_staff:
        return principal.sees_programme(programme_id)
    if principal.role.value in ("mentor", "mentee"):
        return principal.role.value == role and principal.person_id == person_id
    if principal.role is Role.ISP:  # the mentees it referred
        return role == "mentee" and organisation_id is not None and organisation_id == principal.organisation_id
    if principal.role is Role.COMPANY:  # its employees who mentor
        return role == "mentor" and organisation_id is not None and organisation_id == principal.organisation_id
    return False


def listed_programmes(principal: Principal) -> frozenset[str] | None:
    """The programmes a staff member's lists are limited to (None: all of them, for an administrator)."""
    return principal.programmes if principal.role is Role.COORDINATOR else None


def partner_lists(principal: Principal) -> str | None:
    """The one role of persons a partner's users may list (an ISP its mentees, a company its mentors)."""
    return {Role.ISP: "mentee", Role.COMPANY: "mentor"}.get(principal.role)


def may_see_binome(principal: Principal, programme_id: str | None, mentor_id: str, mentee_id: str) -> bool:
    """One binôme's detail: staff of its programme, or one of its pair."""
    if principal.is_staff:
        return principal.sees_programme(programme_id)
    if principal.role is Role.MENTOR:
        return principal.person_id == mentor_id
    if principal.role is Role.MENTEE:
        return principal.person_id == mentee_id
    return False
