"""Tier 2: the JSON schema, with located problems coded ``schema.<keyword>``.

jsonschema over 10,000 profiles costs about half a second, so a structural pre-check first picks
the items that are certainly valid; jsonschema then sees the document with only the other items
left in. Every message still comes from jsonschema's errors, so it is the same either way.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from reconciler.config.precheck import Precheck
from reconciler.errors import Location, Path, Problem, SourceMap, dotted, shown
from reconciler.schema_files import load_schema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

SCHEMA_NAME = "reconcile.schema.json"

_DNS_LABEL = (
    "lowercase DNS label (a-z, 0-9 and '-', at most 63 characters, starting and ending with a"
    " letter or digit)"
)


@cache
def config_schema() -> dict[str, Any]:
    """The config schema, read once per process."""
    return load_schema(SCHEMA_NAME)


@cache
def validator() -> Draft202012Validator:
    """The jsonschema validator, built once per process (imported only when needed).

    A YAML ``.nan`` or ``.inf`` is a float but no JSON number: the validator's ``number`` type
    leaves them out, so ``temperature: .nan`` is a ``schema.type`` error rather than a value that
    passes every bound (comparisons with NaN are false) and that no database stores.
    """
    from jsonschema import Draft202012Validator, validators

    def finite_number(checker: Any, instance: Any) -> bool:
        return bool(Draft202012Validator.TYPE_CHECKER.is_type(instance, "number")) and (
            not isinstance(instance, float) or math.isfinite(instance)
        )

    checker = Draft202012Validator.TYPE_CHECKER.redefine("number", finite_number)
    finite = validators.extend(Draft202012Validator, type_checker=checker)  # type: ignore[no-untyped-call]
    return finite(config_schema())  # type: ignore[no-any-return]


@cache
def precheck() -> Precheck:
    return Precheck(config_schema())


def check_schema(document: dict[str, Any], sources: SourceMap, file: str) -> list[Problem]:
    """Every schema violation in one file's ``document``, located through ``sources``."""
    suspects = _suspects(document)
    if suspects is None:
        return []
    errors = validator().iter_errors(suspects)
    # A name can break several keywords of one rule (pattern and control characters): once.
    return list(dict.fromkeys(p for error in errors for p in _problems(error, sources, file)))


def _suspects(document: dict[str, Any]) -> dict[str, Any] | None:
    """``document`` keeping only the section items the pre-check could not pass; ``None``: valid."""
    check = precheck()
    reduced = dict(document)
    clean = check.top(document)
    for section, item_ok in check.sections.items():
        items = document.get(section)
        if type(items) is not dict:
            continue
        name_ok = check.name
        failing = {
            name: item for name, item in items.items() if not (name_ok(name) and item_ok(item))
        }
        reduced[section] = failing
        clean = clean and not failing
    return None if clean else reduced


def _problems(error: ValidationError, sources: SourceMap, file: str) -> Iterable[Problem]:
    path: Path = tuple(error.absolute_path)
    schema_path = tuple(error.absolute_schema_path)
    keyword = str(error.validator)
    instance: Any = error.instance
    if keyword == "additionalProperties":
        yield from _unknown_keys(error, path, sources, file)
    elif "propertyNames" in schema_path:
        name = str(error.instance)
        message = f"name {shown(name)} is not a {_DNS_LABEL}"
        yield _at(sources, file, "schema.propertyNames", message, (*path, name), key=True)
    elif keyword == "required":
        yield _missing(error, path, schema_path, sources, file)
    elif keyword == "not" and "then" in schema_path:
        auth_type = instance.get("type")
        message = f"auth type {shown(auth_type)} takes no 'credential'; remove it"
        code = "auth.credential-not-allowed"
        yield _at(sources, file, code, message, (*path, "credential"), key=True)
    elif keyword == "not":
        yield _at(sources, file, "schema.control-character", _control(error), path)
    elif keyword == "pattern" and path == ("settings", "owner"):
        message = f"owner {shown(instance)} is not a {_DNS_LABEL}"
        yield _at(sources, file, "schema.pattern", message, path)
    elif keyword == "pattern" and path[-1:] == ("base_url",):
        message = f"{shown(instance)} is not a URL: expected http:// or https://, no spaces"
        yield _at(sources, file, "schema.pattern", message, path)
    elif keyword == "pattern" and path[:1] == ("storage",):
        message = (
            f"{shown(instance)} is not a table or column name: 1 to 63 letters, digits and '_',"
            " not starting with a digit"
        )
        yield _at(sources, file, "schema.pattern", message, path)
    elif keyword == "enum" and path[:2] == ("settings", "ignore") and len(path) == 4:
        yield _at(sources, file, "schema.enum", _not_ignorable(error), path)
    elif keyword == "uniqueItems":
        index = _repeated(instance)
        message = f"{shown(instance[index])} is listed twice"
        yield _at(sources, file, "schema.uniqueItems", message, (*path, index))
    else:
        yield _at(sources, file, f"schema.{keyword}", _message(error), path)


_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


def _message(error: ValidationError) -> str:
    """jsonschema's message, with values in YAML's spelling and long ones cut."""
    keyword = str(error.validator)
    instance: Any = error.instance
    bound: Any = error.validator_value
    value = shown(instance)
    if keyword == "type":
        kinds = [bound] if isinstance(bound, str) else list(bound)
        return f"expected {' or '.join(_TYPES.get(kind, kind) for kind in kinds)}, got {value}"
    if keyword == "enum":
        choices = ", ".join(shown(choice) for choice in bound)
        return f"{value} is not one of {choices}{_did_you_mean(instance, bound)}"
    if keyword == "const":
        return f"expected {shown(bound)}, got {value}"
    if keyword == "minLength" and bound == 1:
        return "must not be empty"
    # Built only for its keyword: a pattern's bound is a string, which takes no ",".
    wording: dict[str, Callable[[], str]] = {
        "minimum": lambda: f"{value} is less than the minimum of {shown(bound)}",
        "maximum": lambda: f"{value} is more than the maximum of {shown(bound)}",
        "exclusiveMinimum": lambda: f"{value} must be more than {shown(bound)}",
        "minLength": lambda: f"{value} is shorter than {bound:,} characters",
        "maxLength": lambda: (
            f"{value} is longer than {bound:,} characters, the most every database holds"
        ),
        "pattern": lambda: f"{value} does not match {shown(bound)}",
    }
    return wording[keyword]() if keyword in wording else error.message


_NEVER_IGNORED = ("name", "type", "provider", "provider_connection", "protected")
"""Fields every plan compares: what the row is, what it references, whether it may be deleted."""


def _not_ignorable(error: ValidationError) -> str:
    """An entry of ``settings.ignore.<section>`` that is no field to ignore there."""
    instance: Any = error.instance
    bound: Any = error.validator_value
    choices = ", ".join(str(choice) for choice in bound)
    if instance in _NEVER_IGNORED:
        return (
            f"{shown(instance)} cannot be ignored: the plan always compares names, types,"
            f" references and protected; fields that may be ignored here: {choices}"
        )
    hint = _did_you_mean(instance, bound) or f" (one of: {choices})"
    return f"{shown(instance)} is not a field that may be ignored here{hint}"


def _repeated(items: list[Any]) -> int:
    """The index of the first item equal to one before it (``uniqueItems`` found one)."""
    for index, item in enumerate(items):
        if item in items[:index]:
            return index
    return 0


def _control(error: ValidationError) -> str:
    """Which character a ``not: {pattern}`` rule found, and where in the string."""
    instance = str(error.instance)
    rule: Any = error.validator_value
    found = re.search(rule["pattern"], instance)
    index = found.start() if found else 0
    char = instance[index : index + 1]
    where = f"character {index + 1:,} of {shown(instance)}"
    if char == "\0":
        return f"a NUL character (U+0000) at {where}: PostgreSQL cannot store it; remove it"
    return (
        f"the control or invisible character U+{ord(char or ' '):04X} at {where}: a single-line"
        " value takes none (line breaks belong in description or system_prompt)"
    )


def _missing(
    error: ValidationError, path: Path, schema_path: tuple[Any, ...], sources: SourceMap, file: str
) -> Problem:
    if "then" in schema_path:
        instance: Any = error.instance
        message = (
            f"auth type {shown(instance.get('type'))} requires 'credential': the name of a"
            " vault secret, e.g. credential/openai/api_key"
        )
        return _at(sources, file, "auth.credential-required", message, path, key=True)
    return _at(sources, file, "schema.required", error.message, path, key=True)


def _unknown_keys(
    error: ValidationError, path: Path, sources: SourceMap, file: str
) -> Iterable[Problem]:
    schema: Any = error.schema
    instance: Any = error.instance
    known = list(schema.get("properties", {}))
    for key in instance:
        if key in known:
            continue
        hint = _did_you_mean(key, known) or f" (expected one of: {', '.join(known)})"
        message = f"unknown key {shown(key)}{hint}"
        yield _at(sources, file, "schema.additionalProperties", message, (*path, key), key=True)


def _did_you_mean(value: Any, choices: Iterable[Any]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {shown(close[0])}?" if close else ""


def _at(
    sources: SourceMap, file: str, code: str, message: str, path: Path, *, key: bool = False
) -> Problem:
    location = sources.locate(path, key=key) or Location(file, 1, 1)
    return Problem(code, message, location=location, path=dotted(path))
