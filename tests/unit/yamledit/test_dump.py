"""``dump_block`` writes what the loader of every command (libyaml's) reads back as written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import CSafeLoader

from reconciler.yamledit.dump import dump_block


def read_back(value: str) -> object:
    text = dump_block({"connections": {"c": {"auth": {"type": "none", "credential": value}}}})
    data = CSafeLoader(text).get_single_data()
    return data["connections"]["c"]["auth"]["credential"]


@pytest.mark.parametrize("value", [":0", "?x", "a:b", "vault:secret/x", "it's:x", "-0", "a,b"])
def test_flow_values_with_indicators_read_back(value: str) -> None:
    assert read_back(value) == value


@settings(max_examples=500)
@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=20))
def test_any_flow_string_reads_back(value: str) -> None:
    assert read_back(value) == value
