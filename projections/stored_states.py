"""A binôme's state as the views store it (JSON text), and read back.

Without the command ids the workflow keeps to recognise a repeated command: no read of the views uses them, and
they were half of each stored state's size and of the time spent encoding it (every pass writes the states its
facts touched). Read back, such a state has no command ids; states stored with them read as before.
"""

import dataclasses
import json

from sqlalchemy import Connection, Select

from domain.state import BinomeState
from projections.memory import StateMemory


def stored(state: BinomeState) -> str:
    return json.dumps(dataclasses.replace(state, commands={}).to_dict())


def loaded(text: str) -> BinomeState:
    return BinomeState.from_dict(json.loads(text))


def state_before(conn: Connection, query: Select, memory: StateMemory[BinomeState], binome_id: str,
                 position: int) -> BinomeState:
    """The binôme's state before its fact at `position`: the remembered one, else its row (`query` selects the
    state by `binome_id`); none before the stream's first fact, when no row holds it yet."""
    if position == 1:
        return BinomeState(binome_id)
    remembered = memory.get(binome_id)
    if remembered is not None:
        return remembered
    text = conn.execute(query, {"binome_id": binome_id}).scalar()
    return loaded(text) if text else BinomeState(binome_id)
