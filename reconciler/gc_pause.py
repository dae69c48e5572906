"""The cyclic garbage collector, paused around bulk work.

Loading 100,000 profiles or reading them from a database allocates millions of small containers
that never form cycles; each allocation burst triggers collections that find nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building many small containers triggers needless collections: pause them meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
