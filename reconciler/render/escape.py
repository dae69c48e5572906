"""Every config or database string on its way out: redacted, and unable to leave its frame.

One function per frame, which every renderer calls (so later renderers reuse them):

- `redacted`: secrets replaced by ``[redacted]`` (`reconciler.secrets.redact`); plan documents,
  plan files and journal rows hold only this.
- `redacted_data`: the same for every string in JSON data.
- `plain`: one terminal line: redacted, with every control character, line break and bidi
  override shown as an escape (``\\n``, ``\\x1b``, ``\\u202e``); text, problems, annotations.
- `line_start`: `plain`, for text at the start of a line; `file_line` for a line of the
  user's own file in a diff (not redacted).
- `printable`: `plain` keeping CR and LF, for a frame that encodes them itself.
- `block`: a multi-line string as such lines, each then prefixed by the caller.
- `md_text`, `md_code`, `fenced` (`fence_for`): markdown outside code, inline code, and a
  fenced block whose fence is longer than any backtick run inside (CommonMark).
- `xml_text`: `plain`, holding no character XML 1.0 refuses (JUnit); the XML writer escapes
  ``&<>"``.
- `label_value`: a Prometheus label value: redacted, controls shown escaped, then ``\\``,
  ``"`` and line feeds escaped as the text exposition format reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from reconciler.secrets import redact, secret_kind

# C0 and C1 controls, DEL, and the characters that reorder or break what a reviewer reads: bidi
# embeddings, overrides and isolates, the directional marks, and the Unicode line separators.
_REORDERING = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_REORDERING}]")
_UNSAFE_BUT_BREAKS = re.compile(f"[\x00-\x09\x0b\x0c\x0e-\x1f{_REORDERING}]")
_RAW_IN_JSON = re.compile(f"[{_REORDERING}]")  # json.dumps escapes the C0 controls itself
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Everything CommonMark or GitHub may read as markup outside code; `<`, `>`, `&` become entities.
_MARKUP = re.compile(r"[\\`*_\[\]#!|~:@$]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_BACKTICKS = re.compile(r"`+")
# What XML 1.0 cannot hold even escaped, beyond the C0 controls `plain` already escapes.
_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")


def redacted(text: str) -> str:
    """``text`` with the secrets in it replaced by ``[redacted]``, if it looks like it holds one.

    What looks like a secret is what ``secret.inline`` refuses in a config (`secret_kind`),
    whose quick test clears most values without a search.
    """
    return text if secret_kind(text) is None else redact(text)


def redacted_data(value: Any, *, keys: bool = False) -> Any:
    """JSON data with every string value in it `redacted`; its keys too with ``keys`` (keys of
    plan documents are the tool's field names, those of a config section are row names)."""
    if isinstance(value, str):
        return redacted(value)
    if isinstance(value, dict):
        return {
            redacted(key) if keys else key: redacted_data(item, keys=keys)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redacted_data(item, keys=keys) for item in value]
    return value


def _escaped(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(text: str) -> str:
    """``text`` redacted, on one line, every control and bidi character shown escaped."""
    return _UNSAFE.sub(_escaped, redacted(text))


def line_start(text: str) -> str:
    """`plain`, for text that begins a line of output (see `_not_a_command`)."""
    return _not_a_command(plain(text))


def file_line(text: str) -> str:
    """A line of the user's own file, as a diff shows it: like `line_start`, but not redacted,
    so the diff shows the file as it is."""
    return _not_a_command(_UNSAFE.sub(_escaped, text))


def _not_a_command(shown: str) -> str:
    """A leading ``:`` (after any whitespace, which the Actions runner skips too) shown as
    ``\\x3a``, so the line cannot pass for a workflow command."""
    body = shown.lstrip()
    if body.startswith(":"):
        return f"{shown[: len(shown) - len(body)]}\\x3a{body[1:]}"
    return shown


def printable(text: str) -> str:
    """`plain` but for CR and LF, which the caller encodes (GitHub annotations: ``%0A``)."""
    return _UNSAFE_BUT_BREAKS.sub(_escaped, redacted(text))


def json_text(text: str) -> str:
    """JSON text with the characters `plain` escapes, which ``ensure_ascii=False`` leaves raw
    (DEL, C1 controls, bidi, line separators), written as ``\\uXXXX``: the same JSON value."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def is_multiline(value: Any) -> bool:
    """Whether ``value`` is a string that `block` shows on several lines."""
    return isinstance(value, str) and "\n" in value


def block(text: str) -> list[str]:
    """A multi-line string as its lines, each `plain`; a trailing newline is a last empty line.

    Redacted as a whole first, so a secret spanning lines (a PEM block) goes as one.
    """
    return [_UNSAFE.sub(_escaped, line) for line in redacted(text).split("\n")]


def md_text(text: str) -> str:
    """``text`` for markdown outside code: `plain`, then no character can act as markup."""
    escaped = _MARKUP.sub(lambda m: "\\" + m.group(0), plain(text))
    return re.sub(r'[&<>"]', lambda m: _ENTITIES[m.group(0)], escaped)


def md_code(text: str) -> str:
    """``text`` as one inline code span: `plain`, delimited by a longer backtick run (and padded
    with a space each side where CommonMark would otherwise eat one or join the delimiter)."""
    content = plain(text)
    ticks = "`" * (_longest_backticks(content) + 1)
    edges = content[:1] + content[-1:]
    if "`" in edges or edges == "  " or not content:
        content = f" {content} "
    return f"{ticks}{content}{ticks}"


def fenced(lines: Iterable[str], info: str = "") -> list[str]:
    """``lines`` in a fenced code block, the fence longer than any backtick run they hold."""
    body = list(lines)
    fence = fence_for(body)
    return [fence + info, *body, fence]


def fence_for(lines: Iterable[str]) -> str:
    """A code fence longer than any backtick run in ``lines`` (at least three backticks)."""
    longest = max((_longest_backticks(line) for line in lines), default=0)
    return "`" * max(3, longest + 1)


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)


def xml_text(text: str) -> str:
    """``text`` for XML text or an attribute: `plain`, and no character XML 1.0 cannot hold
    (U+FFFE, U+FFFF, a lone surrogate), shown as ``\\uXXXX``; the XML writer escapes ``&<>"``."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", plain(text))


def label_value(text: str) -> str:
    """``text`` as a Prometheus label value, between its quotes: redacted, every control and
    bidi character shown escaped as `plain` shows it (but line feeds kept), then ``\\``, ``"``
    and line feeds escaped as the text exposition format reads them (``\\\\``, ``\\"``,
    ``\\n``), so the value reads back as the text shown."""
    shown = "\n".join(block(text))
    return shown.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
