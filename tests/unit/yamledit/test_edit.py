from __future__ import annotations

from typing import Any

import pytest

from reconciler.config.load import parse_text
from reconciler.yamledit.edit import Insertion, insert

PERSONAL = {"provider": "openai", "auth": {"type": "api_key", "credential": "credential/o/api_key"}}


def fill(profile: str, connection: str = "openai-personal") -> Insertion:
    return Insertion(("profiles", profile), "provider_connection", connection, after="model")


def declare(name: str = "openai-personal", value: dict[str, Any] | None = None) -> Insertion:
    return Insertion(("connections",), name, value or PERSONAL)


def document(text: str) -> dict[str, Any]:
    parsed = parse_text(text, "t.yaml")
    assert parsed.problems == ()
    assert parsed.document is not None
    return parsed.document


CASES = {
    "block, after model, before the next entry's comments": (
        """\
profiles:
  quick:  # eol on the key
    provider: openai
    model: gpt-5-mini   # eol on model
    label: Quick

  # introduces next
  next: {provider: openai, model: x, provider_connection: c}
""",
        [fill("quick")],
        """\
profiles:
  quick:  # eol on the key
    provider: openai
    model: gpt-5-mini   # eol on model
    provider_connection: openai-personal
    label: Quick

  # introduces next
  next: {provider: openai, model: x, provider_connection: c}
""",
    ),
    "block, model last, comment lines and blank lines after it stay below": (
        """\
profiles:
  quick:
    provider: openai
    model: gpt-5-mini
    # a comment about the end of quick

# trailing comment of the file
""",
        [fill("quick")],
        """\
profiles:
  quick:
    provider: openai
    model: gpt-5-mini
    provider_connection: openai-personal
    # a comment about the end of quick

# trailing comment of the file
""",
    ),
    "no model key in the mapping itself: the key goes last": (
        """\
profiles:
  base: &base {provider: openai, model: gpt-5}
  merged:
    <<: *base
    provider: anthropic
""",
        [fill("merged", "anthropic-personal")],
        """\
profiles:
  base: &base {provider: openai, model: gpt-5}
  merged:
    <<: *base
    provider: anthropic
    provider_connection: anthropic-personal
""",
    ),
    "flow mappings keep their spacing": (
        "profiles:\n  a: { provider: openai, model: x }  # eol\n  b: {}\n",
        [fill("a"), Insertion(("profiles", "b"), "model", "y")],
        "profiles:\n"
        "  a: { provider: openai, model: x, provider_connection: openai-personal }  # eol\n"
        "  b: {model: y}\n",
    ),
    "multi-line flow mapping": (
        "profiles:\n  a: {\n    provider: openai,\n    model: x\n  }\n",
        [fill("a")],
        "profiles:\n  a: {\n    provider: openai,\n"
        "    model: x, provider_connection: openai-personal\n  }\n",
    ),
    "an aliased profile is edited once, where its anchor is": (
        "profiles:\n  a: &a\n    provider: openai\n    model: x\n  b: *a\n",
        [fill("a"), fill("b")],
        "profiles:\n  a: &a\n    provider: openai\n    model: x\n"
        "    provider_connection: openai-personal\n  b: *a\n",
    ),
    "an alias as the last value of an entry": (
        "profiles:\n  a:\n    provider: openai\n    model: &m x\n  b:\n    provider: openai\n"
        "    model: *m\n",
        [fill("b")],
        "profiles:\n  a:\n    provider: openai\n    model: &m x\n  b:\n    provider: openai\n"
        "    model: *m\n    provider_connection: openai-personal\n",
    ),
    "a literal block keeps its kept trailing lines": (
        "profiles:\n  a:\n    provider: openai\n    model: x\n    system_prompt: |+\n"
        "      hello\n\n  b: {provider: openai, model: y}\n",
        [Insertion(("profiles", "a"), "provider_connection", "c")],
        "profiles:\n  a:\n    provider: openai\n    model: x\n    system_prompt: |+\n"
        "      hello\n\n    provider_connection: c\n  b: {provider: openai, model: y}\n",
    ),
    "a clipped literal block: the key follows its text": (
        "profiles:\n  a:\n    provider: openai\n    model: x\n    system_prompt: |\n"
        "      hello\n\n  b: {provider: openai, model: y}\n",
        [Insertion(("profiles", "a"), "provider_connection", "c")],
        "profiles:\n  a:\n    provider: openai\n    model: x\n    system_prompt: |\n"
        "      hello\n    provider_connection: c\n\n  b: {provider: openai, model: y}\n",
    ),
    "a new section goes before profiles and the comments that introduce it": (
        """\
version: 1

providers:
    p:
        type: openai

# Profiles
# (two lines)
profiles:
    a:
        provider: openai
        model: x
""",
        [fill("a"), declare()],
        """\
version: 1

providers:
    p:
        type: openai

connections:
    openai-personal:
        provider: openai
        auth: {type: api_key, credential: credential/o/api_key}

# Profiles
# (two lines)
profiles:
    a:
        provider: openai
        model: x
        provider_connection: openai-personal
""",
    ),
    "new connections are appended, spaced like their siblings, in order": (
        """\
connections:
  a:
    provider: openai
    auth: {type: none}

  b:
    provider: openai
    auth:
      type: none
# profiles
profiles: {}
""",
        [declare("c"), declare("d", {"provider": "123", "auth": {"type": "none"}})],
        """\
connections:
  a:
    provider: openai
    auth: {type: none}

  b:
    provider: openai
    auth:
      type: none

  c:
    provider: openai
    auth: {type: api_key, credential: credential/o/api_key}
  d:
    provider: '123'
    auth: {type: none}
# profiles
profiles: {}
""",
    ),
    "a flow section gets a flow entry": (
        "connections: {a: {provider: openai, auth: {type: none}}}\nprofiles: {}\n",
        [declare()],
        "connections: {a: {provider: openai, auth: {type: none}}, openai-personal: {provider:"
        " openai, auth: {type: api_key, credential: credential/o/api_key}}}\nprofiles: {}\n",
    ),
    "a file without a final line break keeps it that way": (
        "profiles:\n  a:\n    provider: openai\n    model: x",
        [fill("a")],
        "profiles:\n  a:\n    provider: openai\n    model: x\n"
        "    provider_connection: openai-personal",
    ),
    "CRLF line breaks": (
        "version: 1\r\nprofiles:\r\n  a:\r\n    provider: openai\r\n    model: x\r\n",
        [fill("a"), declare("c", {"provider": "openai", "auth": {"type": "none"}})],
        "version: 1\r\nconnections:\r\n  c:\r\n    provider: openai\r\n    auth: {type: none}\r\n"
        "profiles:\r\n  a:\r\n    provider: openai\r\n    model: x\r\n"
        "    provider_connection: openai-personal\r\n",
    ),
    "quoted scalars and a document marker stay as written": (
        "---\nversion: 1\nprofiles:\n  'a':\n    provider: \"openai\"\n    model: 'x'\n...\n",
        [fill("a")],
        "---\nversion: 1\nprofiles:\n  'a':\n    provider: \"openai\"\n    model: 'x'\n"
        "    provider_connection: openai-personal\n...\n",
    ),
    "a key the mapping has is left alone": (
        "profiles:\n  a: {provider: openai, model: x, provider_connection: mine}\n",
        [fill("a")],
        "profiles:\n  a: {provider: openai, model: x, provider_connection: mine}\n",
    ),
    "a flow root mapping": (
        "{version: 1, profiles: {a: {provider: openai, model: x}}}\n",
        [fill("a"), declare("c", {"provider": "openai", "auth": {"type": "none"}})],
        "{version: 1, profiles: {a: {provider: openai, model: x, provider_connection:"
        " openai-personal}}, connections: {c: {provider: openai, auth: {type: none}}}}\n",
    ),
}


@pytest.mark.parametrize(("before", "insertions", "after"), CASES.values(), ids=list(CASES))
def test_insert_adds_only_the_new_keys(
    before: str, insertions: list[Insertion], after: str
) -> None:
    assert insert(before, insertions) == after
    assert insert(after, insertions) == after


@pytest.mark.parametrize(("before", "insertions", "after"), CASES.values(), ids=list(CASES))
def test_the_edited_text_reads_as_the_old_document_plus_the_new_keys(
    before: str, insertions: list[Insertion], after: str
) -> None:
    expected = document(before)
    for insertion in insertions:
        target = expected
        for name in insertion.path:
            target = target.setdefault(name, {})
        target.setdefault(insertion.key, insertion.value)
    assert document(after) == expected


def test_a_missing_nested_mapping_is_not_created() -> None:
    with pytest.raises(ValueError, match="only sections are created"):
        insert("profiles: {}\n", [fill("missing")])
