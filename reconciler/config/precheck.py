"""A fast structural check of the config, in front of jsonschema.

It answers one question per item: is it certainly valid? ``True`` only where jsonschema would find
nothing wrong (a property test holds it to that); ``False`` sends the item to jsonschema, which
then words every message. Enums, patterns and lengths are read from the schema itself.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]


class Precheck:
    """Item checks built from the config schema's ``$defs``."""

    def __init__(self, schema: dict[str, Any]) -> None:
        defs = schema["$defs"]
        self._name = re.compile(defs["name"]["pattern"]).match
        self._provider_types = frozenset(defs["provider"]["properties"]["type"]["enum"])
        self._auth_types = frozenset(defs["auth"]["properties"]["type"]["enum"])
        self._sources = frozenset(defs["profile"]["properties"]["source"]["enum"])
        settings = schema["properties"]["settings"]["properties"]
        # The settings that are one of a few strings, and the owner, a name; any other
        # (``ignore``) is jsonschema's.
        self._settings: dict[str, Check] = {
            key: _choice(frozenset(value["enum"]))
            for key, value in settings.items()
            if "enum" in value
        }
        self._settings["owner"] = self.name
        provider = defs["provider"]["properties"]
        self._url = re.compile(provider["base_url"]["pattern"]).match
        self._url_length = provider["base_url"]["maxLength"]
        self._control = re.compile(defs["line"]["not"]["pattern"]).search
        self._nul = re.compile(defs["text"]["not"]["pattern"]).search
        self.reference = self._line(defs["reference"]["maxLength"], required=True)
        self._credential = self._line(None, required=True)
        profile = defs["profile"]["properties"]
        text = self._text(defs["text"]["maxLength"])
        self._profile_fields: dict[str, Check] = {
            "provider": self.reference,
            "model": self._line(profile["model"]["maxLength"], required=True),
            "provider_connection": self.reference,
            "label": self._line(profile["label"]["maxLength"]),
            "description": text,
            "system_prompt": text,
            "temperature": _temperature,
            "max_tokens": _max_tokens,
            "protected": _boolean,
        }
        self.sections: dict[str, Check] = {
            "providers": self.provider,
            "connections": self.connection,
            "profiles": self.profile,
        }

    def name(self, name: Any) -> bool:
        return type(name) is str and self._name(name) is not None and self._control(name) is None

    def _line(self, limit: int | None, *, required: bool = False) -> Check:
        """A single-line string of at most ``limit`` characters (``None``: any length)."""
        shortest = 1 if required else 0
        longest = sys.maxsize if limit is None else limit
        control = self._control
        return lambda value: (
            type(value) is str and shortest <= len(value) <= longest and control(value) is None
        )

    def _text(self, limit: int) -> Check:
        nul = self._nul
        return lambda value: type(value) is str and len(value) <= limit and nul(value) is None

    def top(self, document: dict[str, Any]) -> bool:
        """The document without its sections' items: version, settings, known keys."""
        if document.get("version") != 1 or type(document["version"]) is not int:
            return False
        for key, value in document.items():
            if key in self.sections:
                if type(value) is not dict:
                    return False
            elif key == "settings":
                if not self.settings(value):
                    return False
            elif key != "version":
                return False
        return True

    def settings(self, value: Any) -> bool:
        if type(value) is not dict:
            return False
        checks = self._settings
        return all(key in checks and checks[key](item) for key, item in value.items())

    def provider(self, item: Any) -> bool:
        if type(item) is not dict or not _one_of(item.get("type"), self._provider_types):
            return False
        for key, value in item.items():
            if key == "base_url":
                if type(value) is not str or self._url(value) is None:
                    return False
                if len(value) > self._url_length or self._control(value) is not None:
                    return False
            elif key in ("enabled", "protected"):
                if type(value) is not bool:
                    return False
            elif key != "type":
                return False
        return True

    def connection(self, item: Any) -> bool:
        if type(item) is not dict or not self.reference(item.get("provider")):
            return False
        protected = item.get("protected", False)
        if type(protected) is not bool or len(item) != 2 + ("protected" in item):
            return False
        auth = item.get("auth")
        if type(auth) is not dict or not _one_of(auth.get("type"), self._auth_types):
            return False
        credential = auth.get("credential")
        if credential is None:
            return len(auth) == 1 and auth["type"] != "api_key"
        return (
            len(auth) == 2
            and self._credential(credential)
            and auth["type"] not in ("platform", "none")
        )

    def profile(self, item: Any) -> bool:
        if type(item) is not dict or "provider" not in item or "model" not in item:
            return False
        fields = self._profile_fields
        for key, value in item.items():
            check = fields.get(key)
            if check is None:
                if key != "source" or not _one_of(value, self._sources):
                    return False
            elif not check(value):
                return False
        return True


def _one_of(value: Any, choices: frozenset[str]) -> bool:
    """Membership without hashing: a list or mapping is simply not one of the strings."""
    return type(value) is str and value in choices


def _choice(choices: frozenset[str]) -> Check:
    return lambda value: _one_of(value, choices)


def _boolean(value: Any) -> bool:
    return type(value) is bool


MAX_TOKENS = 2_147_483_647
"""The schema's maximum: a database INTEGER."""


def _temperature(value: Any) -> bool:
    return type(value) in (int, float) and 0 <= value <= 2


def _max_tokens(value: Any) -> bool:
    return type(value) is int and 0 < value <= MAX_TOKENS
