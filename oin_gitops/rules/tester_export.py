"""TEST-05: an OIN Submission Tester export in ``evidence/`` shows recent, passed required tests.

The export's format is in the rule's documentation and the ISV guide. Any ``.json`` evidence
is ``evidence-json``'s, which reports files that do not parse; here a file that parses is
recognised as an export by its structure, and only an export is parsed a second time, in
Python, to learn where each test's object starts. "Now" is ``evidence_checks.clock()``, the
time the certificate rules use, so tests pin both at once.
"""

from __future__ import annotations

import datetime
import json
import json.decoder
import json.scanner
from collections.abc import Iterator
from typing import Any

from oin_gitops.rules import evidence_checks
from oin_gitops.rules.base import Finding, Rule, submission_rule
from oin_gitops.schema_check import shown
from oin_gitops.submission import Submission

RECENT = datetime.timedelta(hours=48)
RESULTS = ("passed", "failed", "skipped")
SHOWN_RESULTS = "passed, failed or skipped"
RESULT_KEYS = ("result", "status")
TIME_KEYS = ("time", "timestamp")


class _Located(dict[str, Any]):
    """A JSON object with the 1-based line and column of its opening brace."""

    line: int | None = None
    column: int | None = None


def _parse_located(text: str) -> Any:
    """``text`` parsed with every object a ``_Located``; the pure-Python scanner is the one
    that lets ``parse_object`` see where an object starts."""
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[_Located, int]:
        start = s_and_end[1] - 1
        value, end = json.decoder.JSONObject(s_and_end, *args)
        located = _Located(value)
        located.line = text.count("\n", 0, start) + 1
        located.column = start - text.rfind("\n", 0, start)
        return located, end

    decoder.parse_object = parse_object  # type: ignore[assignment]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


def _first(test: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((test[key] for key in keys if key in test), None)


def _dated_result(test: Any) -> bool:
    return (
        isinstance(test, dict)
        and any(key in test for key in RESULT_KEYS)
        and any(key in test for key in TIME_KEYS)
    )


def _is_export(data: Any) -> bool:
    """Whether parsed JSON is a Submission Tester export: a ``tests`` list holding an object
    with a ``result`` (or ``status``) and a ``time`` (or ``timestamp``); other test reports,
    which say nothing of when their tests ran, are not."""
    tests = data.get("tests") if isinstance(data, dict) else None
    return isinstance(tests, list) and any(_dated_result(test) for test in tests)


def _tests(text: str) -> list[Any] | None:
    """The tests of an export, each object located; None for other JSON, or none at all
    (evidence-json reports JSON that does not parse)."""
    try:
        return _parse_located(text)["tests"] if _is_export(json.loads(text)) else None
    except (ValueError, RecursionError):
        return None


def _exports(submission: Submission) -> Iterator[tuple[str, list[Any]]]:
    """(path, tests) of each export among the JSON evidence files rules read."""
    for name in evidence_checks.json_files(submission):
        text, _ = evidence_checks.json_text(submission, name)
        tests = _tests(text) if text is not None else None
        if tests is not None:
            yield submission.path(name), tests


def _moment(value: Any) -> datetime.datetime | None:
    """An ISO 8601 date and time with a UTC offset, else None."""
    try:
        moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _shown_time(moment: datetime.datetime) -> str:
    return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M} UTC"


def _problem(test: dict[str, Any], label: str, now: datetime.datetime) -> str | None:
    """What is wrong with one required test, or None."""
    result, written = _first(test, RESULT_KEYS), _first(test, TIME_KEYS)
    result = result.lower() if isinstance(result, str) else result
    moment = _moment(written)
    ran = f" (run {_shown_time(moment)})" if moment else ""
    if result not in RESULTS:
        return f"the required test {label} has the result {shown(result)}, not {SHOWN_RESULTS}"
    if result != "passed":
        verb = "was skipped" if result == "skipped" else "failed"
        return f"the required test {label} {verb}{ran}; make it pass and export the results again"
    if moment is None:
        return (
            f"the required test {label} has the time {shown(written)}, not an ISO 8601 date and "
            "time with a UTC offset such as 2030-06-15T09:30:00Z"
        )
    if moment > now:
        return (
            f"the required test {label} ran at {_shown_time(moment)}, which is in the future; "
            "commit the export as the Submission Tester wrote it"
        )
    if now - moment > RECENT:
        hours = int((now - moment).total_seconds() // 3600)
        return (
            f"the required test {label} passed at {_shown_time(moment)}, {hours} hours ago; "
            "the OIN accepts results from the 48 hours before you submit, so run the tests "
            "again and export the results"
        )
    return None


def _test_problem(test: Any, index: int, now: datetime.datetime) -> str | None:
    if not isinstance(test, dict):
        return f"tests[{index}] is {shown(test)}, not an object with a name, result and time"
    name = test.get("name")
    label = shown(name) if isinstance(name, str) and name else f"tests[{index}]"
    required = test.get("required", True)
    if not isinstance(required, bool):
        return f"the test {label} has 'required' {shown(required)}, not true or false"
    return _problem(test, label, now) if required else None


@submission_rule(
    id="test-results-recent",
    summary="A committed Submission Tester export shows every required test passed in the "
    "last 48 hours.",
    guideline="TEST-05",
    help="Run the required tests again in the OIN Submission Tester until they pass, export the "
    "results (Export results) and commit the file unchanged shortly before you submit.",
)
def test_results_recent(submission: Submission) -> Iterator[Finding]:
    """The OIN accepts a submission when every required test of the OIN Submission Tester
    passed within the 48 hours before it is submitted. An export of those results may be
    committed in ``evidence/`` as a ``.json`` file: an object whose ``tests`` list holds one
    object per test with ``name``, ``required`` (true or false; absent means true), ``result``
    (or ``status``: passed, failed or skipped) and ``time`` (or ``timestamp``: when the test
    ran, ISO 8601 with a UTC offset, such as ``2030-06-14T09:30:00Z``). A file is taken for an
    export when a test in its ``tests`` list has both a result and a time. Each required test
    must have passed, no more than 48 hours before the time of the run and not after it. Tests
    with ``"required": false`` are not judged. Each finding is at the test's object and names
    the test. Without an export nothing is reported: the reviewer sees the results in the OIN
    Wizard, where the tests run.

    Passes: ``evidence/tester-results.json`` whose required tests passed 26 hours ago.
    Fails: a required test that failed ("the required test 'SP-initiated sign-in' failed (run
    2030-06-14 09:30 UTC)"), or that passed 75 hours ago.
    """
    now = evidence_checks.clock()
    for path, tests in _exports(submission):
        for index, test in enumerate(tests):
            message = _test_problem(test, index, now)
            if message is not None:
                line = getattr(test, "line", None)
                yield Finding(path, message, line, getattr(test, "column", None))


RULES: tuple[Rule, ...] = (test_results_recent,)
