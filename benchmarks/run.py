"""Measure oin-gitops on generated repositories and print one Markdown table.

    python benchmarks/run.py [--sizes 1000,10000] [--runs 5] [--work DIR] [--seed 1]

For each size N the script generates (or reuses) a repository of N submissions with
benchmarks/generate.py, plus a one-submission repository, then runs every measurement
``--runs`` times, interleaved, and reports the medians of wall time, CPU time (user + system of
the child and the processes it waited for, from ``os.wait4``) and peak RSS (``ru_maxrss``: the
largest single process). Only the public CLI is run, as subprocesses, so the numbers describe
whatever the code is when the script runs:

    a  oin-gitops lint --format json (every rule, every submission)
    b  check-jsonschema, schema only: one run per file kind against schemas/, summed
    c  the parse floor: read and parse every YAML file with PyYAML's libyaml CSafeLoader
    d  oin-gitops lint --changed-since main, one folder changed (N submissions / 1 submission)
    e  oin-gitops catalog build --skip-invalid
    f  oin-gitops lint of one folder / the start-up floor (python -c "import jsonschema, ...")

Targets (ratios of wall-time medians): a <= 0.5 x b, a <= 3 x c, d(N)/d(1) <= 1.2, e <= a,
f <= 2 x floor, and the peak RSS of a at N = 10,000 <= 300 MB. The script exits 0 whatever the
targets say (it reports, it does not gate); it exits 1 only when a command could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
BIN = Path(sys.executable).parent
OIN = str(BIN / "oin-gitops")
CHECK_JSONSCHEMA = str(BIN / "check-jsonschema")
KINDS = ("submission", "saml", "oidc", "scim", "workflows", "api-service")
RSS_LIMIT_MB = 300
RSS_LIMIT_N = 10_000
# Any attempt of check-jsonschema to fetch a schema over the network goes to a closed port and
# fails loudly instead of silently measuring a download: the local $refs must resolve offline.
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
PARSE_FLOOR = """\
import pathlib, yaml
for path in sorted(pathlib.Path("submissions").glob("*/*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
IMPORT_FLOOR = "import jsonschema, ruamel.yaml, PIL.Image, click"
# Runs one command and prints its exit code, wall time, CPU time (user + system of the command
# and of the processes it waited for) and ru_maxrss, from os.wait4. A separate small process
# (python -S, about 8 MB) starts the command because Linux counts the memory of the process that
# spawns a command in the command's ru_maxrss: spawned from this script, which holds the
# generator, every command would report at least this script's peak RSS.
LAUNCHER = """\
import os, sys, time
cwd, stderr_path, *argv = sys.argv[1:]
os.chdir(cwd)
null = os.open(os.devnull, os.O_RDWR)
err = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
           (os.POSIX_SPAWN_DUP2, err, 2)]
started = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
print(os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


class CommandFailed(RuntimeError):
    """A measured command exited with an unexpected status."""


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Row:
    key: str
    label: str
    n: int | None
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(s, attribute) for s in self.samples)

    @property
    def wall(self) -> float:
        return self.median("wall")

    @property
    def rss(self) -> float:
        return self.median("rss_mb")


def run_once(
    command: Sequence[str],
    cwd: Path,
    ok: Sequence[int] = (0, 1),
    env: dict[str, str] | None = None,
) -> Sample:
    """Run ``command`` once through the launcher; its wall time, CPU time and peak RSS."""
    with tempfile.NamedTemporaryFile(prefix="oin-bench-", suffix=".stderr") as stderr:
        done = subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, str(cwd), stderr.name, *command],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
        )
        if done.returncode != 0:
            raise CommandFailed(f"the launcher failed: {done.stderr.strip()[-500:]}")
        code_text, wall, cpu, maxrss = done.stdout.split()
        code = int(code_text)
        if code not in ok:
            tail = Path(stderr.name).read_text("utf-8", "replace").strip().splitlines()[-5:]
            raise CommandFailed(f"{' '.join(command[:4])} exited {code}: {' / '.join(tail)}")
    # ru_maxrss is in kilobytes on Linux.
    return Sample(float(wall), float(cpu), int(maxrss) / 1024)


def chunks(paths: list[str], limit: int) -> list[list[str]]:
    """Split ``paths`` so each command line stays under ``limit`` bytes."""
    out: list[list[str]] = [[]]
    size = 0
    for path in paths:
        if out[-1] and size + len(path) + 1 > limit:
            out.append([])
            size = 0
        out[-1].append(path)
        size += len(path) + 1
    return out


def schema_commands(repo: Path) -> list[list[str]]:
    """One check-jsonschema command per file kind (more when the argument list is too long)."""
    arg_max = os.sysconf("SC_ARG_MAX") if hasattr(os, "sysconf") else 131072
    limit = max(65536, arg_max // 2 - sum(len(k) + len(v) + 2 for k, v in os.environ.items()))
    commands = []
    for kind in KINDS:
        files = sorted(str(p.relative_to(repo)) for p in repo.glob(f"submissions/*/{kind}.yaml"))
        for group in chunks(files, limit) if files else []:
            commands.append(
                [
                    CHECK_JSONSCHEMA,
                    "--schemafile",
                    str(SCHEMAS / f"{kind}.schema.json"),
                    # Relative $refs (common.schema.json#/...) resolve in the local folder, not
                    # at the schemas' https $id.
                    "--base-uri",
                    SCHEMAS.as_uri() + "/",
                    *group,
                ]
            )
    return commands


def measure_schema(repo: Path) -> Sample:
    samples = [run_once(c, repo, env=OFFLINE) for c in schema_commands(repo)]
    return Sample(
        sum(s.wall for s in samples), sum(s.cpu for s in samples), max(s.rss_mb for s in samples)
    )


def measure_catalog(repo: Path, work: Path) -> Sample:
    out = Path(tempfile.mkdtemp(prefix="catalog-", dir=work)) / "site"
    try:
        return run_once(
            [OIN, "catalog", "build", "--out", str(out), "--skip-invalid"], repo, ok=(0,)
        )
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def fmt(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def verdict(ratio: float, limit: float) -> str:
    return "PASS" if ratio <= limit else "FAIL"


def table(rows: dict[tuple[str, int], Row], sizes: list[int]) -> str:
    """The Markdown table: rows a-f per N, each target with its ratio and result."""
    header = (
        "| row | measurement | N | wall median (s) | CPU median (s) | peak RSS (MB) "
        "| target | ratio | result |\n"
        "|---|---|---:|---:|---:|---:|---|---:|---|\n"
    )
    lines = []

    def line(row: Row, targets: list[tuple[str, str, str]]) -> None:
        if row.error or not row.samples:
            cells = ["error", "", "", "", "", row.error or "not run"]
        else:
            cells = [
                fmt(row.wall),
                fmt(row.median("cpu")),
                fmt(row.rss, 0),
                "; ".join(t for t, _, _ in targets) or "—",
                "; ".join(r for _, r, _ in targets) or "—",
                "; ".join(v for _, _, v in targets) or "—",
            ]
        shown = "—" if row.n is None else f"{row.n:,}"
        lines.append(f"| {row.key} | {row.label} | {shown} | " + " | ".join(cells) + " |")

    def ok(*keys: tuple[str, int]) -> bool:
        return all(rows[k].samples and not rows[k].error for k in keys)

    for n in sizes:
        a, b, c = rows["a", n], rows["b", n], rows["c", n]
        targets = []
        if ok(("a", n), ("b", n)):
            ratio = a.wall / b.wall
            targets.append(("a ≤ 0.5 × b", fmt(ratio), verdict(ratio, 0.5)))
        if ok(("a", n), ("c", n)):
            ratio = a.wall / c.wall
            targets.append(("a ≤ 3 × c", fmt(ratio), verdict(ratio, 3)))
        if n == RSS_LIMIT_N and ok(("a", n)):
            targets.append(
                (f"RSS ≤ {RSS_LIMIT_MB} MB", f"{a.rss:.0f} MB", verdict(a.rss, RSS_LIMIT_MB))
            )
        line(a, targets)
        line(b, [])
        line(c, [])
        d, d1 = rows["d", n], rows["d1", n]
        targets = []
        if ok(("d", n), ("d1", n)):
            ratio = d.wall / d1.wall
            targets.append(("d(N) ≤ 1.2 × d(1)", fmt(ratio), verdict(ratio, 1.2)))
        line(d, targets)
        line(d1, [])
        e = rows["e", n]
        targets = []
        if ok(("e", n), ("a", n)):
            ratio = e.wall / a.wall
            targets.append(("e ≤ a", fmt(ratio), verdict(ratio, 1)))
        line(e, targets)
        f, f0 = rows["f", n], rows["f0", n]
        targets = []
        if ok(("f", n), ("f0", n)):
            ratio = f.wall / f0.wall
            targets.append(("f ≤ 2 × floor", fmt(ratio), verdict(ratio, 2)))
        line(f, targets)
        line(f0, [])
    return header + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated N (default 1000,10000)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "oin-gitops-bench",
        help="where the generated repositories are kept and reused",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 1 or args.runs < 1:
        parser.error("--sizes needs positive integers and --runs at least 1")
    for tool in (OIN, CHECK_JSONSCHEMA):
        if not Path(tool).exists():
            parser.error(f"{tool} not found: run with the project's virtual environment's python")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    # The repositories: one per size, and the one-submission repository for d(1).
    repos: dict[int, Path] = {}
    notes: list[str] = []
    for n in sorted({1, *sizes}):
        repo = work / f"repo-{n}-seed{args.seed}"
        started = time.perf_counter()
        info, reused = generate.ensure(n, repo, args.seed, changed=True)
        took = time.perf_counter() - started
        verb = "reused" if reused else f"generated in {took:.1f} s"
        planted = len(info["planted"])  # type: ignore[arg-type]
        notes.append(f"N={n:,}: {verb} ({planted} with planted findings)")
        log(f"repository {repo}: {verb}")
        repos[n] = repo

    rows: dict[tuple[str, int], Row] = {}
    jobs = []
    small = repos[1]
    for n in sizes:
        repo = repos[n]
        changed = str(generate.read_manifest(repo)["changed"])  # type: ignore[index]
        plan = [
            (
                "a",
                "`oin-gitops lint --format json`, every rule",
                n,
                lambda r=repo: run_once([OIN, "lint", "--format", "json"], r),
            ),
            (
                "b",
                "`check-jsonschema`, schema only (one run per kind, summed)",
                n,
                lambda r=repo: measure_schema(r),
            ),
            (
                "c",
                "parse floor: every YAML file with PyYAML `CSafeLoader`",
                n,
                lambda r=repo: run_once([sys.executable, "-c", PARSE_FLOOR], r, ok=(0,)),
            ),
            (
                "d",
                "`oin-gitops lint --changed-since main`, 1 folder changed",
                n,
                lambda r=repo: run_once(
                    [OIN, "lint", "--changed-since", "main", "--format", "json"], r
                ),
            ),
            (
                "d1",
                "the same in a 1-submission repository",
                1,
                lambda: run_once(
                    [OIN, "lint", "--changed-since", "main", "--format", "json"], small
                ),
            ),
            (
                "e",
                "`oin-gitops catalog build --skip-invalid`",
                n,
                lambda r=repo: measure_catalog(r, work),
            ),
            (
                "f",
                "`oin-gitops lint` of one submission folder",
                n,
                lambda r=repo, s=changed: run_once([OIN, "lint", f"submissions/{s}"], r),
            ),
            (
                "f0",
                f'start-up floor: `python -c "{IMPORT_FLOOR}"`',
                None,
                lambda r=repo: run_once([sys.executable, "-c", IMPORT_FLOOR], r, ok=(0,)),
            ),
        ]
        for key, label, shown_n, job in plan:
            rows[key, n] = Row(key, label, shown_n)
            jobs.append((rows[key, n], n, job))

    # Interleaved: run 1 of every measurement, then run 2, so drift spreads over all of them.
    for run in range(args.runs):
        for row, n, job in jobs:
            if row.error:
                continue
            log(f"run {run + 1}/{args.runs}: N={n:,} {row.key}")
            try:
                row.samples.append(job())
            except CommandFailed as exc:
                row.error = str(exc)
                log(f"  failed: {exc}")

    version = subprocess.run([OIN, "--version"], capture_output=True, text=True).stdout.strip()
    print(
        f"Machine: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} CPUs (nproc), "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}; "
        f"{version or 'oin-gitops'}; {dt.date.today().isoformat()}"
    )
    print(f"Repositories (seed {args.seed}): " + "; ".join(notes))
    print(f"Medians of {args.runs} run(s); ratios compare wall-time medians.\n")
    print(table(rows, sizes))
    return 1 if any(row.error for row in rows.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
