from __future__ import annotations

import math

import pytest

from reconciler.config.load import resolve_plain
from reconciler.config.scalars import BOOL, FLOAT, INT, NULL, STR, typed


@pytest.mark.parametrize(
    ("tag", "text", "value"),
    [
        (INT, "42", 42),
        (INT, "0o17", 15),
        (INT, "0x1F", 31),
        (INT, "1_000", 1000),
        (INT, "0777", 777),
        (FLOAT, "1.5", 1.5),
        (FLOAT, "-.inf", -math.inf),
        (BOOL, "TRUE", True),
        (BOOL, "false", False),
        (NULL, "~", None),
        (STR, "x", "x"),
        ("tag:yaml.org,2002:timestamp", "2024-01-01", "2024-01-01"),
        (INT, "not-a-number", "not-a-number"),
    ],
)
def test_typed(tag: str, text: str, value: object) -> None:
    assert typed(tag, text) == value
    assert type(typed(tag, text)) is type(value)


def test_nan() -> None:
    assert math.isnan(typed(FLOAT, ".NaN"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4096", 4096),
        ("0.7", 0.7),
        ("true", True),
        ("", None),
        ("yes", "yes"),
        ("1:20", "1:20"),
        ("1_0", 10),
        ("0b11", 3),
        ("2024-01-01", "2024-01-01"),
    ],
)
def test_resolve_plain_types_as_the_loader_does(text: str, value: object) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)
