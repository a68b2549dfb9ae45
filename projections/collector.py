"""The garbage collector during a rebuild.

A rebuild makes millions of objects and keeps thousands of facts and states alive at a time; so many survivors
make the collector run full collections over the whole heap again and again, which cost a third of a rebuild's
time (bench/rebuild.py), while a whole rebuild leaves only about a hundred objects in reference cycles. So
automatic collection is paused while it runs, and resumes as before at the end.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
