"""The collector is paused for one entry point's length and comes back as the caller had it."""

from __future__ import annotations

import gc

import pytest

from reconciler.gc_pause import gc_paused


@gc_paused
def _enabled_inside() -> bool:
    return gc.isenabled()


@gc_paused
def _fails() -> None:
    raise ValueError("boom")


def test_paused_inside_and_enabled_again_after() -> None:
    assert gc.isenabled()
    assert _enabled_inside() is False
    assert gc.isenabled()


def test_enabled_again_after_an_exception() -> None:
    with pytest.raises(ValueError, match="boom"):
        _fails()
    assert gc.isenabled()


def test_a_caller_that_paused_it_finds_it_still_paused() -> None:
    gc.disable()
    try:
        assert _enabled_inside() is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_entry_points_keep_their_names_and_documentation() -> None:
    from reconciler import apply_config, load_config, plan_config, read_state

    for function in (apply_config, load_config, plan_config, read_state):
        assert function.__doc__
        assert function.__wrapped__.__name__ == function.__name__  # type: ignore[attr-defined]
