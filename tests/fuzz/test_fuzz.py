"""The fuzz targets, a short deterministic run: a few hundred examples, fixed by derandomize.

The long run is ``python tests/fuzz/run.py --minutes N`` (see the README's testing section).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from tests.fuzz import strategies, targets


def short(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@short(120)
@given(data=strategies.raw_bytes)
def test_loader_on_arbitrary_and_mutated_bytes(data: bytes) -> None:
    targets.load_bytes(data)


@short(120)
@given(text=strategies.config_texts)
def test_validate_on_configs_close_to_the_schema(text: str) -> None:
    targets.validate_text(text)


@short(40)
@given(texts=strategies.config_folders)
def test_validate_on_several_files_merged(texts: list[str]) -> None:
    targets.merge_texts(texts)


@short(40)
@given(case=strategies.plan_inputs())
def test_plan_and_apply_on_random_configs_over_random_rows(case: dict[str, Any]) -> None:
    targets.plan_case(case)
