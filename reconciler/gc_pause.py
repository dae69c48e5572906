"""The cyclic garbage collector, paused for the length of one public entry point.

Loading 100,000 profiles, reading them from a database, planning and writing them allocate
millions of small containers that never form cycles; each allocation burst triggers collections
that find nothing. Each entry point of the API (`load_config`, `plan_config`, `apply_config`,
`read_state`, `check_drift`, ...) is decorated with `gc_paused` once; nothing inside it pauses
again, and an entry point called from another one finds the collector already paused and leaves
it so.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` runs with the cyclic collector paused; the caller's setting comes back after."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused
