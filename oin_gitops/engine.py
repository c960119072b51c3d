"""Discover submission folders, load them, run the rules, and return a sorted ``Report``.

A plain library call: it never prints, exits, reads the environment or touches the network.
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from oin_gitops.changes import ChangeContext, ChangeSet
from oin_gitops.config import Config
from oin_gitops.diagnostics import Diagnostic, Report, Severity
from oin_gitops.rules import RULES, Finding, Rule
from oin_gitops.sources import DiskSource, Kind, Source, join
from oin_gitops.submission import (
    SUBMISSION_FILE,
    SUBMISSIONS,
    Repository,
    Submission,
    load_submission,
    not_regular,
)


def discover(source: Source) -> tuple[list[str], list[Diagnostic]]:
    """The slugs of every folder in ``submissions/``, and diagnostics for anything else there."""
    if source.kind(SUBMISSIONS) is not Kind.DIR:
        return [], []
    slugs: list[str] = []
    problems: list[Diagnostic] = []
    for name in source.listdir(SUBMISSIONS):
        path = join(SUBMISSIONS, name)
        kind = source.kind(path)
        if kind is Kind.DIR:
            slugs.append(name)
        elif kind is Kind.FILE:
            problems.append(
                Diagnostic(
                    path=path,
                    rule="unexpected-file",
                    severity=Severity.ERROR,
                    message=f"'{path}' is a file; submissions/ holds only submission folders",
                    help="Move the file into a submission folder, or remove it.",
                )
            )
        else:
            problems.append(not_regular(path, kind))
    return slugs, problems


def lint(
    source: Source,
    config: Config,
    slugs: Sequence[str] | None = None,
    change: ChangeSet | None = None,
    progress: Callable[[int, int], None] | None = None,
    base: Source | None = None,
    published_at: Callable[[str], datetime | None] | None = None,
    now: datetime | None = None,
) -> Report:
    """Lint the given submission folders (all of them when ``slugs`` is None).

    With a ``change``, the folders it touched are linted instead, and the change rules run
    (the scope of a pull request, removed folders); with a ``base`` too (the tree the change is
    compared with), so do the rules comparing an update with its published version.
    ``published_at`` and ``now`` are passed to the change rules (see ``ChangeContext``).
    ``progress(done, total)`` is called after each folder.
    """
    all_slugs, problems = discover(source)
    if change is not None:
        slugs = change.slugs()
    chosen = None if slugs is None else set(slugs)
    wanted = all_slugs if chosen is None else [s for s in all_slugs if s in chosen]
    if chosen is not None:
        problems = [d for d in problems if d.path.split("/")[1] in chosen]
    submissions: list[Submission] = []
    for done, (submission, found) in enumerate(_lint_folders(source, config, wanted), 1):
        submissions.append(submission)
        problems.extend(found)
        if progress is not None:
            progress(done, len(wanted))
    repository = Repository(source, config, submissions, all_slugs)
    problems.extend(_run(RULES, "repository", repository))
    removed: list[str] = []
    if change is not None:
        context = ChangeContext(change, config, frozenset(all_slugs), source, base, published_at)
        if now is not None:
            context = dataclasses.replace(context, now=now)
        removed = context.removed
        problems.extend(_run(RULES, "change", context))
    return Report.build(_configured(problems, config), wanted, removed)


# Below this many folders a process pool costs more than it saves.
PARALLEL_MIN = 64


def _lint_folder(source: Source, config: Config, slug: str) -> tuple[Submission, list[Diagnostic]]:
    """Load one folder and run the per-submission rules on it."""
    submission, problems = load_submission(source, slug, config)
    problems.extend(_entry_problems(submission))
    problems.extend(_run(RULES, "submission", submission))
    return submission, problems


def _lint_folder_for_pool(
    source: Source, config: Config, slug: str
) -> tuple[Submission, list[Diagnostic]]:
    """The same in a worker: only submission.yaml travels back (the repository rules read it)."""
    submission, problems = _lint_folder(source, config, slug)
    submission.documents = {k: v for k, v in submission.documents.items() if k == SUBMISSION_FILE}
    return submission, problems


def _lint_folders(
    source: Source, config: Config, slugs: list[str]
) -> Iterator[tuple[Submission, list[Diagnostic]]]:
    """Every folder's results, in order; many folders on disk are spread over the cores."""
    workers = min(os.cpu_count() or 1, 8)
    parallel = (
        len(slugs) >= PARALLEL_MIN
        and workers > 1
        and isinstance(source, DiskSource)
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not parallel:
        yield from (_lint_folder(source, config, slug) for slug in slugs)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        task = functools.partial(_lint_folder_for_pool, source, config)
        yield from pool.map(task, slugs, chunksize=max(1, len(slugs) // (workers * 8)))


def _entry_problems(submission: Submission) -> Iterator[Diagnostic]:
    for name, kind in submission.entries.items():
        if kind in (Kind.SYMLINK, Kind.OTHER):
            yield not_regular(submission.path(name), kind)


def _run(
    rules: Iterable[Rule], scope: str, subject: Submission | Repository | ChangeContext
) -> Iterator[Diagnostic]:
    for rule in rules:
        if rule.scope != scope or rule.check is None:
            continue
        for finding in rule.check(subject):  # type: ignore[arg-type]
            yield _stamp(rule, finding)


def _stamp(rule: Rule, finding: Finding) -> Diagnostic:
    return Diagnostic(
        path=finding.path,
        rule=rule.id,
        severity=rule.severity,
        message=finding.message,
        help=finding.help or rule.help,
        line=finding.line,
        column=finding.column,
        end_line=finding.end_line,
        end_column=finding.end_column,
        guideline=rule.guideline,
    )


def _configured(diagnostics: Iterable[Diagnostic], config: Config) -> Iterator[Diagnostic]:
    """Apply the configuration's ``rules`` section: turn rules off or change their severity."""
    for diagnostic in diagnostics:
        severity = config.severity(diagnostic.rule, diagnostic.severity)
        if severity is None:
            continue
        yield (
            diagnostic
            if severity is diagnostic.severity
            else dataclasses.replace(diagnostic, severity=severity)
        )
