"""Who may send which binôme command: the programme's own rules on its people, whoever authenticated them.

A mentor or a mentee acts only on their own binôme (another one is not even said to exist) and only for their own
side: a mentor validates, signs, evaluates and stops the binôme as the mentor, never as the mentee or the
programme (a side that is no side at all is not theirs either: 403 before the 422 it would get from staff). Both
report their meetings and their contacts between meetings, and work on the in-take's analysis and action plan;
only the mentor answers the proposal. The first meeting is the programme's (staff hold it with the pair): staff or
the calendar that saw it record it. An integration (a calendar, the programme's CRM) only reports meetings held.
Staff may record any command, on behalf of either side (which programmes a staff account may touch is the
application's to say: it knows the accounts). The system's own facts come from time, not commands; it is not
restricted here.
"""

from domain import commands as c
from domain.errors import Forbidden, NotFound
from domain.facts import Actor
from domain.state import BinomeState

UNRESTRICTED = ("staff", "system")
PAIR = ("mentor", "mentee")
# The field of a command that names the side it is sent for.
SIDE_FIELDS: dict[type, str] = {c.RecordValidation: "side", c.SignContract: "party", c.RecordEvaluation: "side",
                                 c.RecordEarlyStop: "by"}
PAIR_COMMANDS = (c.RecordAnalysis, c.AgreeActionPlan, c.AddAction, c.UpdateAction, c.RecordMeeting, c.LogContact)
MENTOR_COMMANDS = (c.AcceptProposal, c.RefuseProposal)
INTEGRATION_COMMANDS = (c.RecordFirstMeeting, c.RecordMeeting)


def check_may_send(state: BinomeState, command: object, actor: Actor) -> None:
    """Nothing if `actor` may send `command` to this binôme; else NotFound (not theirs to know of) or Forbidden."""
    if actor.kind in UNRESTRICTED:
        return
    if actor.kind == "integration":
        if not isinstance(command, INTEGRATION_COMMANDS):
            raise Forbidden("command_not_for_role", command=type(command).__name__, role=actor.kind)
        return
    if actor.kind not in PAIR or isinstance(command, c.ProposeMentee):
        raise Forbidden("command_not_for_role", command=type(command).__name__, role=actor.kind)
    if actor.id != (state.mentor_id if actor.kind == "mentor" else state.mentee_id):
        raise NotFound("binome_not_found")
    side_field = SIDE_FIELDS.get(type(command))
    if side_field is not None:
        if getattr(command, side_field) != actor.kind:
            raise Forbidden("not_your_side", field=side_field)
        return
    if isinstance(command, PAIR_COMMANDS) or (actor.kind == "mentor" and isinstance(command, MENTOR_COMMANDS)):
        return
    raise Forbidden("command_not_for_role", command=type(command).__name__, role=actor.kind)
