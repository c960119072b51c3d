"""Discover submission folders, load them, run the rules, and return a sorted ``Report``.

A plain library call: it never prints, exits, reads the environment or touches the network.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
from oin_gitops.yamlio.fast import LineCol, Mapping

Work = Callable[[Submission, list[Diagnostic]], object]


@dataclass(frozen=True)
class Hook:
    """Work on each linted folder, done where the folder was linted (a pool worker, or here).

    ``work(submission, diagnostics)`` gets the loaded folder and its diagnostics as configured
    (rules turned off are gone, severities changed) and returns a picklable result, which
    ``take(slug, result)`` receives here, in folder order. The catalog build makes each app's
    files this way instead of loading every folder a second time. With ``errors_only`` the
    per-submission rules that cannot report an error here are not run (the report then holds
    the errors and whatever else loading the folders found).
    """

    work: Work
    take: Callable[[str, object], None]
    errors_only: bool = False


def discover(source: Source) -> tuple[list[str], list[Diagnostic]]:
    """The slugs of every folder in ``submissions/``, and diagnostics for anything else there."""
    if source.kind(SUBMISSIONS) is not Kind.DIR:
        return [], []
    slugs: list[str] = []
    problems: list[Diagnostic] = []
    # One listing with kinds: 10,000 folders are not asked about one by one.
    for name, kind in source.entries(SUBMISSIONS).items():
        if kind is Kind.DIR:
            slugs.append(name)
            continue
        path = join(SUBMISSIONS, name)
        if kind is Kind.FILE:
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
    hook: Hook | None = None,
) -> Report:
    """Lint the given submission folders (all of them when ``slugs`` is None).

    With a ``change``, the folders it touched are linted instead, and the change rules run
    (the scope of a pull request, removed folders); with a ``base`` too (the tree the change is
    compared with), so do the rules comparing an update with its published version.
    ``published_at`` and ``now`` are passed to the change rules (see ``ChangeContext``).
    ``progress(done, total)`` is called after each folder; ``hook`` works on each (see ``Hook``).
    """
    all_slugs, problems = discover(source)
    if change is not None:
        slugs = change.slugs()
    chosen = None if slugs is None else set(slugs)
    wanted = all_slugs if chosen is None else [s for s in all_slugs if s in chosen]
    if chosen is not None:
        problems = [d for d in problems if d.path.split("/")[1] in chosen]
    submissions: list[Submission] = []
    folders = _Folders(
        source,
        config,
        _submission_rules(config, errors_only=hook is not None and hook.errors_only),
        None if hook is None else hook.work,
    )
    for done, (submission, found, result) in enumerate(_lint_folders(folders, wanted), 1):
        submissions.append(submission)
        problems.extend(found)
        if hook is not None:
            hook.take(submission.slug, result)
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


def _submission_rules(config: Config, *, errors_only: bool) -> tuple[Rule, ...]:
    return tuple(
        rule
        for rule in RULES
        if rule.scope == "submission"
        and (not errors_only or config.severity(rule.id, rule.severity) is Severity.ERROR)
    )


@dataclass(frozen=True)
class _Folders:
    """What linting a folder takes: the source, the configuration, the per-submission rules
    to run and the hook's work."""

    source: Source
    config: Config
    rules: tuple[Rule, ...]
    work: Work | None = None

    def lint(self, slug: str) -> tuple[Submission, list[Diagnostic], object]:
        """Load one folder, run the rules on it, and the hook's work."""
        submission, problems = load_submission(self.source, slug, self.config)
        problems.extend(_entry_problems(submission))
        problems.extend(_run(self.rules, "submission", submission))
        if self.work is None:
            return submission, problems, None
        return submission, problems, self.work(submission, list(_configured(problems, self.config)))


# A pool worker's ``_Folders``: set once when the worker starts (a forked worker inherits it
# as it is) instead of being pickled with every chunk of folders.
_worker: _Folders | None = None


def _start_worker(folders: _Folders) -> None:
    global _worker
    _worker = folders


def _lint_folder_for_pool(slug: str) -> tuple[Submission, list[Diagnostic], object]:
    """One folder in a worker: of it only what the repository rules read travels back."""
    assert _worker is not None, "a pool worker starts with _start_worker"
    submission, problems, result = _worker.lint(slug)
    return _for_repository(submission), problems, result


def _lint_folders(
    folders: _Folders, slugs: list[str]
) -> Iterator[tuple[Submission, list[Diagnostic], object]]:
    """Every folder's results, in order; many folders on disk are spread over the cores."""
    workers = min(os.cpu_count() or 1, 8)
    parallel = (
        len(slugs) >= PARALLEL_MIN
        and workers > 1
        and isinstance(folders.source, DiskSource)
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not parallel:
        yield from (folders.lint(slug) for slug in slugs)
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(folders,),
    ) as pool:
        chunksize = max(1, len(slugs) // (workers * 8))
        yield from pool.map(_lint_folder_for_pool, slugs, chunksize=chunksize)


# What the repository rules compare across folders: each one's app name.
_COMPARED = ("app", "name")


def _for_repository(submission: Submission) -> Submission:
    """The folder as the repository rules read it: submission.yaml cut down to ``app.name``,
    with its positions. The whole documents of 10,000 folders would be most of the parent's
    memory, and unpickling them most of its work."""
    general = submission.general
    documents = {}
    if general is not None:
        documents[SUBMISSION_FILE] = dataclasses.replace(
            general, data=_kept(general.data, _COMPARED)
        )
    return dataclasses.replace(submission, documents=documents)


def _kept(node: Any, pointer: tuple[str, ...]) -> Any:
    """``node`` with only the keys along ``pointer`` (what is at its end whole), positions kept."""
    if not pointer or not isinstance(node, dict):
        return node
    head, rest = pointer[0], pointer[1:]
    kept = Mapping()
    if head in node:
        kept[head] = _kept(node[head], rest)
        kept.lc = LineCol.of_key(node.lc, head)
    else:
        kept.lc = LineCol(node.lc.line, node.lc.col)
    return kept


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
