"""A binôme's state as the views store it (JSON text), and read back.

Without the command ids the workflow keeps to recognise a repeated command: no read of the views uses them, and
they were half of each stored state's size and of the time spent encoding it (every pass writes the states its
facts touched). Read back, such a state has no command ids; states stored with them read as before.
"""

import dataclasses
import json

from domain.state import BinomeState


def stored(state: BinomeState) -> str:
    return json.dumps(dataclasses.replace(state, commands={}).to_dict())


def loaded(text: str) -> BinomeState:
    return BinomeState.from_dict(json.loads(text))
