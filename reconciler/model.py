"""The domain as frozen values: what the config wants and what the database holds.

Nothing here reads files, talks to a database or prints. Rows from the config and from the database
share these types; ``managed_by`` and ``owner`` say who manages a database row and never count as
a difference (``protected`` is a field like any other).

The three row types are named tuples: a database row arrives as a tuple in field order, and
``tuple.__new__`` makes 100,000 of them in a third of the time a frozen dataclass's ``__init__``
takes (issue 3's read budget). Their equality and hash leave out ``managed_by`` and ``owner``,
always the last two fields, as ``field(compare=False)`` would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from reconciler.storage import Storage

PROVIDER_TYPES = ("anthropic", "openai", "gemini", "ollama")
AUTH_TYPES = ("api_key", "platform", "none", "oauth_subscription", "service_account")
UNSUPPORTED_AUTH_TYPES = ("oauth_subscription", "service_account")
PROFILE_SOURCES = ("managed", "user")
NAME_LENGTH = 255
"""Characters a row name holds: ``VARCHAR(255)`` on every backend (characters, not bytes)."""
DEFAULT_OWNER = "default"
"""The owner of a config without ``settings.owner``, and of a ``config`` row whose owner is NULL."""


class ManagedBy(StrEnum):
    """Who owns a database row; ``None`` (not a member) means created outside the reconciler."""

    CONFIG = "config"
    SEED = "seed"
    BACKFILL = "backfill"


class InferenceMode(StrEnum):
    MANAGED = "managed"
    YOUR_OWN = "your-own"


class Deployment(StrEnum):
    SELF_HOSTED = "self-hosted"
    PLATFORM = "platform"


@dataclass(frozen=True, slots=True)
class Settings:
    deployment: str | None = None
    inference_mode: str | None = None
    owner: str = DEFAULT_OWNER
    """Who manages the config's rows (``settings.owner``): a plan prunes only this owner's rows."""
    ignore: frozenset[tuple[Kind, str]] = frozenset()
    """``settings.ignore`` as (kind, field) pairs: fields written when the plan creates a row and
    never compared or updated afterwards (DESIGN §13)."""

    def ignored(self, kind: Kind) -> tuple[str, ...]:
        """The ignored fields of ``kind``, in the kind's field order."""
        return tuple(name for name in IGNORABLE[kind] if (kind, name) in self.ignore)

    @property
    def effective_mode(self) -> InferenceMode:
        """``inference_mode`` if set, else ``managed`` on a platform deployment, else your-own."""
        if self.inference_mode is not None:
            return InferenceMode(self.inference_mode)
        if self.deployment == Deployment.PLATFORM:
            return InferenceMode.MANAGED
        return InferenceMode.YOUR_OWN


@dataclass(frozen=True, slots=True)
class Auth:
    """How a connection authenticates; ``credential`` names a vault secret, never holds one."""

    type: str
    credential: str | None = None

    def image(self) -> dict[str, Any]:
        """Only the keys this auth has: ``{"type": "platform"}`` carries no ``credential``."""
        if self.credential is None:
            return {"type": self.type}
        return {"type": self.type, "credential": self.credential}


def _same_row(row: object, other: object) -> Any:
    """Rows of one type are equal when every field but ``managed_by`` and ``owner`` (the last two)
    is."""
    if isinstance(row, tuple) and isinstance(other, tuple) and type(other) is type(row):
        return row[:-2] == other[:-2]
    return NotImplemented


def _other_row(row: object, other: object) -> Any:
    same = _same_row(row, other)
    return same if same is NotImplemented else not same


def _row_hash(row: tuple[Any, ...]) -> int:
    return hash(row[:-2])


class Provider(NamedTuple):
    name: str
    type: str
    base_url: str | None = None
    enabled: bool = True
    protected: bool = False
    managed_by: ManagedBy | None = None
    owner: str | None = None

    def image(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "base_url": self.base_url,
            "enabled": self.enabled,
            "protected": self.protected,
        }


class Connection(NamedTuple):
    name: str
    provider: str
    auth: Auth
    protected: bool = False
    managed_by: ManagedBy | None = None
    owner: str | None = None

    def image(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "provider": self.provider,
            "auth": self.auth.image(),
            "protected": self.protected,
        }


class Profile(NamedTuple):
    name: str
    provider: str
    model: str
    provider_connection: str | None = None
    source: str | None = None
    label: str | None = None
    description: str | None = None
    system_prompt: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    protected: bool = False
    managed_by: ManagedBy | None = None
    owner: str | None = None

    def image(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "provider": self.provider,
            "model": self.model,
            "provider_connection": self.provider_connection,
            "source": self.source,
            "label": self.label,
            "description": self.description,
            "system_prompt": self.system_prompt,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "protected": self.protected,
        }


Row = Provider | Connection | Profile


def owner_of(row: Row) -> str | None:
    """Who manages ``row``: the owner of a ``config`` row (`DEFAULT_OWNER` when its ``owner`` is
    NULL, written by hand); ``None`` for every other row, whatever its ``owner`` column says."""
    if row.managed_by is not ManagedBy.CONFIG:
        return None
    return DEFAULT_OWNER if row.owner is None else row.owner


for _row_type in (Provider, Connection, Profile):
    # Set after the class statements: mypy reads assignments in a NamedTuple's body as fields.
    _row_type.__eq__ = _same_row  # type: ignore[method-assign]
    _row_type.__ne__ = _other_row  # type: ignore[method-assign]
    _row_type.__hash__ = _row_hash  # type: ignore[method-assign,assignment]


class Kind(StrEnum):
    """The three kinds of row, in the order creates and updates run."""

    PROVIDER = "provider"
    CONNECTION = "connection"
    PROFILE = "profile"

    @property
    def section(self) -> str:
        """The config section (and table family) of the kind: ``providers``, ``connections``…"""
        return f"{self.value}s"

    @property
    def heading(self) -> str:
        """The kind's heading in rendered plans: ``Providers``, ``Connections``, ``Profiles``."""
        return self.section.capitalize()

    @classmethod
    def of_section(cls, section: str) -> Kind:
        """The kind of a config section: ``Kind.of_section("profiles") is Kind.PROFILE``."""
        return cls(section.removesuffix("s"))


SECTIONS = tuple(kind.section for kind in Kind)
"""The config's sections of rows, in the kinds' order."""

IGNORABLE: Mapping[Kind, tuple[str, ...]] = {
    Kind.PROVIDER: ("base_url", "enabled"),
    Kind.CONNECTION: ("auth",),
    Kind.PROFILE: (
        "model",
        "source",
        "label",
        "description",
        "system_prompt",
        "temperature",
        "max_tokens",
    ),
}
"""The fields ``settings.ignore`` may list per kind: all but the name, ``type``, the references
``provider`` and ``provider_connection``, and ``protected``, which every plan compares (the JSON
schema lists the same; a test keeps them equal)."""


class ForeignRows(NamedTuple):
    """Rows of an application table outside the mapping that reference a mapped row by foreign
    key (DESIGN §14): what deleting the row would do to them, by the key's ``on_delete`` rule."""

    table: str
    """The referencing table, as ``schema.table`` when it is in another schema."""
    on_delete: str
    """``RESTRICT``, ``NO ACTION``, ``CASCADE``, ``SET NULL`` or ``SET DEFAULT`` (upper case;
    ``NO ACTION`` when the database reports no rule)."""
    rows: int

    @property
    def restricts(self) -> bool:
        """Whether the database refuses the delete while such rows exist."""
        return self.on_delete in ("RESTRICT", "NO ACTION")


@dataclass(frozen=True)
class DatabaseState:
    """Every row of the three tables, keyed by name (names compare exactly, case included).

    ``foreign`` (under ``storage`` only) lists, per row that any are found for, the rows of the
    application's other tables that reference it by foreign key, one entry per key.
    """

    providers: Mapping[str, Provider] = field(default_factory=dict)
    connections: Mapping[str, Connection] = field(default_factory=dict)
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    foreign: Mapping[tuple[Kind, str], tuple[ForeignRows, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class DesiredState:
    """What the config declares, merged from all its files; rows carry ``managed_by=None``.

    ``storage`` maps the kinds onto the application's tables (DESIGN §14); ``None``: the
    reconciler's own tables.
    """

    settings: Settings = field(default_factory=Settings)
    providers: Mapping[str, Provider] = field(default_factory=dict)
    connections: Mapping[str, Connection] = field(default_factory=dict)
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    storage: Storage | None = None
