"""A drift report as JUnit XML (``reconcile drift --format junit``), for CI test reports.

One failing test case per row that differs from the config (a change, or a refused one), one
for writes outside the reconciler since the last apply, and, when no row differs, one passing
case saying so. Every value is `xml_text` (redacted, no control character) and the XML writer
escapes the rest.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reconciler.planning import Action, Blocked, Change, Reason
from reconciler.planning.drift import Drift
from reconciler.render.details import details, rows_of
from reconciler.render.drift import applied_at
from reconciler.render.escape import xml_text

SUITE = "reconcile drift"
_DOES = {
    Action.CREATE: "is not in the database: apply would create it",
    Action.UPDATE: "differs from the config: apply would update it",
    Action.DELETE: "is no longer in the config: apply would delete it",
}


def render_junit(drift: Drift) -> str:
    """The report as one ``<testsuites>`` document, with its XML declaration."""
    cases = [_change_case(change) for change in drift.plan.changes]
    cases += [_blocked_case(blocked) for blocked in drift.plan.blocked]
    if not cases:
        cases.append(_case("reconcile.drift", "every row matches the config"))
    cases.append(_journal_case(drift))
    failures = sum(1 for case in cases if case.find("failure") is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(
        root, "testsuite", {"name": f"{SUITE} {xml_text(drift.context.database)}", **counts}
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("database", drift.context.database),
        ("instance_id", drift.context.instance_id or ""),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": xml_text(value)})
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _case(classname: str, name: str) -> ET.Element:
    return ET.Element("testcase", {"classname": classname, "name": xml_text(name)})


def _failed(case: ET.Element, kind: str, message: str, body: list[str]) -> ET.Element:
    failure = ET.SubElement(case, "failure", {"type": kind, "message": xml_text(message)})
    if body:
        failure.text = "\n".join(xml_text(line) for line in body)
    return case


def _change_case(change: Change) -> ET.Element:
    name = f"{change.kind} {change.name}"
    reason = "" if change.reason in (Reason.DECLARED, Reason.REMOVED) else f" ({change.reason})"
    message = f"{name} {_DOES[change.action]}{reason}"
    case = _case(f"reconcile.drift.{change.kind}", name)
    return _failed(case, str(change.action), message, [line.text for line in details(change)])


def _blocked_case(blocked: Blocked) -> ET.Element:
    name = f"{blocked.kind} {blocked.name}"
    message = f"{name}: {blocked.action} refused [{blocked.code}]: {blocked.message}"
    referrers = [f"referenced by {kind} {other}" for kind, other in blocked.referenced_by]
    referrers += [f"referenced by {rows_of(rows, table)}" for table, rows in blocked.foreign]
    case = _case(f"reconcile.drift.{blocked.kind}", name)
    return _failed(case, blocked.code, message, referrers)


def _journal_case(drift: Drift) -> ET.Element:
    case = _case("reconcile.drift", "no write outside reconcile since the last apply")
    last = drift.last_apply
    if last is None or not drift.out_of_band:
        return case
    message = (
        f"the rows changed outside reconcile since journal entry #{last.journal_id}"
        f" ({applied_at(last)})"
    )
    return _failed(case, "out-of-band", message, [])
