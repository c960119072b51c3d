"""The guides cannot drift: their commands run, their examples lint, their links resolve.

Reads the three guides in docs/ and the README, and checks them against the real CLI, offline:

1. Every ``oin-gitops`` line of a fenced ``sh``/``bash``/``console`` block runs, in document
   order, in a scratch copy of the repository (one per document), and exits as documented: 0,
   unless an ``<!-- exit: N -->`` comment right before the block says the command reports
   findings. Output shown in a ``console`` block must match (``...`` stands for lines left
   out). Commands that need GitHub (``review``, ``labels``) or a server (``catalog serve``) are
   checked with ``--help`` instead, and every option the line uses must exist. ``seal`` reads a
   made-up secret from standard input; ``unseal`` gets a value sealed to a throwaway key pair,
   whose private half is in ``OIN_GITOPS_PRIVATE_KEY``. A marked YAML example (below) whose
   file exists at that point (``oin-gitops new`` made it) is written over it, as the reader
   fills the file in, and an ``<!-- test-file: PATH -->`` comment creates PATH (a real logo, a
   Workflows export) where the guide tells the reader to add it.
2. Every fenced ``yaml`` block that starts with the ``# yaml-language-server: $schema=`` line is
   an example file: an ``<!-- example: SLUG/FILE -->`` comment right before it says where it
   goes. The examples of one slug form one folder; with a logo (and a test suite for a
   Workflows connector) added, each folder lints with no finding at all.
3. Every rule id the docs mention exists, and every registered rule is in docs/rules.md.
4. Every relative link in docs/*.md, README.md and SECURITY.md resolves, anchors included.
5. The README links the three guides.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
import yaml
from nacl.public import PrivateKey

from oin_gitops.cli import cli, main
from oin_gitops.rules import RULES
from tests.conftest import png_bytes

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ISV_GUIDE = DOCS / "publish-your-integration.md"
REVIEW_HANDBOOK = DOCS / "review-handbook.md"
OPERATOR_GUIDE = DOCS / "operate-the-repository.md"
GUIDES = (ISV_GUIDE, REVIEW_HANDBOOK, OPERATOR_GUIDE)
README = ROOT / "README.md"
SECURITY = ROOT / "SECURITY.md"
COMMAND_DOCS = (*GUIDES, README)
LINKED_DOCS = (*sorted(DOCS.glob("*.md")), README, SECURITY)
ISSUE_TEMPLATES = ROOT / ".github" / "ISSUE_TEMPLATE"

RULE_IDS = frozenset(rule.id for rule in RULES)
# What a scratch repository copies: what the commands of the docs read or write.
COPIED = (".oin-gitops.yaml", "schemas", "submissions", "docs", "README.md")
SCHEMA_LINE = re.compile(
    r"^# yaml-language-server: \$schema=\.\./\.\./schemas/(?P<name>[a-z-]+)\.schema\.json$"
)
PROTOCOL_FILES = ("saml.yaml", "oidc.yaml", "scim.yaml", "workflows.yaml", "api-service.yaml")
# The secret the doc commands seal, and the value 'unseal' must print.
MADE_UP_SECRET = "correct-horse-battery-staple"
UNSEALED = "the-value-a-reviewer-sees"
# Commands checked with --help: they need GitHub or run a server.
HELP_ONLY = (("review",), ("labels",), ("catalog", "serve"))
SHELL_SYNTAX = re.compile(r"[$`]")


# -- reading Markdown ---------------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MARK = re.compile(r"^\s*<!--\s*(?P<key>example|exit|test-file):\s*(?P<value>.*?)\s*-->\s*$")


@dataclass
class Block:
    """A fenced code block and the ``<!-- key: value -->`` comments right before it."""

    doc: Path
    line: int
    lang: str
    lines: list[str]
    marks: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


@dataclass
class FileMark:
    """An ``<!-- test-file: PATH -->`` comment: the test creates PATH at this point."""

    doc: Path
    line: int
    path: str


def parse(doc: Path) -> list[Block | FileMark]:
    """The fenced blocks and test-file comments of ``doc``, in document order."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    items: list[Block | FileMark] = []
    marks: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = FENCE.match(line)
        if fence:
            indent, ticks = len(fence["indent"]), fence["fence"]
            info = fence["info"].strip()
            opening = index + 1
            body: list[str] = []
            index += 1
            while index < len(lines):
                stripped = lines[index].strip()
                if stripped.startswith(ticks) and set(stripped) == {ticks[0]}:
                    break
                text = lines[index]
                cut = len(text) - len(text.lstrip(" "))
                body.append(text[min(indent, cut) :])
                index += 1
            lang = info.split()[0] if info else ""
            items.append(Block(doc, opening, lang, body, marks))
            marks = {}
        else:
            mark = MARK.match(line)
            if mark and mark["key"] == "test-file":
                items.append(FileMark(doc, index + 1, mark["value"]))
            elif mark:
                marks = {**marks, mark["key"]: mark["value"]}
            elif line.strip():
                marks = {}
        index += 1
    return items


def blocks(doc: Path) -> list[Block]:
    return [item for item in parse(doc) if isinstance(item, Block)]


def prose(doc: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of every line outside fenced blocks."""
    inside: str | None = None
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE.match(line)
        if fence and inside is None:
            inside = fence["fence"][0] * 3
            continue
        if inside is not None:
            if line.strip().startswith(inside) and set(line.strip()) == {inside[0]}:
                inside = None
            continue
        yield number, line


# -- commands -------------------------------------------------------------------------------------


@dataclass
class Stage:
    """One ``oin-gitops`` command of a line (a line may pipe one into another)."""

    argv: list[str]
    stdin: str | None = None
    stdout: str | None = None


@dataclass
class Command:
    block: Block
    text: str
    shown: list[str] | None  # the output a console block shows, if any

    @property
    def expected_exit(self) -> int:
        return int(self.block.marks.get("exit", "0"))

    def stages(self) -> list[Stage]:
        lexer = shlex.shlex(self.text, posix=True, punctuation_chars="|<>;&")
        lexer.whitespace_split = True
        lexer.commenters = ""
        tokens: list[str] = []
        for token in lexer:
            if token.startswith("#"):
                break  # a shell comment
            tokens.append(token)
        stages: list[Stage] = [Stage([])]
        expect: str | None = None
        for token in tokens:
            if expect:
                setattr(stages[-1], expect, token)
                expect = None
            elif token == "|":
                stages.append(Stage([]))
            elif token == "<":
                expect = "stdin"
            elif token in (">", ">>"):
                expect = "stdout"
            elif token and set(token) <= set(";&|<>"):
                raise AssertionError(
                    f"{self.block.where}: unsupported shell syntax in {self.text!r}"
                )
            else:
                stages[-1].argv.append(token)
        for stage in stages:
            assert stage.argv[:1] == ["oin-gitops"], (
                f"{self.block.where}: only oin-gitops commands may be piped: {self.text!r}"
            )
            del stage.argv[0]
        return stages


def commands(block: Block) -> list[Command]:
    """The ``oin-gitops`` lines of a shell or console block."""
    found: list[Command] = []
    if block.lang in ("sh", "bash", "shell"):
        for line in block.lines:
            if re.match(r"oin-gitops(\s|$)", line.strip()):
                found.append(Command(block, line.strip(), None))
    elif block.lang == "console":
        current: Command | None = None
        for line in block.lines:
            if line.startswith("$ "):
                text = line[2:].strip()
                current = Command(block, text, []) if text.startswith("oin-gitops") else None
                if current:
                    found.append(current)
            elif current is not None and current.shown is not None:
                current.shown.append(line.rstrip())
    return found


def command_path(argv: list[str]) -> tuple[list[str], click.Command]:
    """The subcommand names at the start of ``argv`` and the click command they lead to."""
    command: click.Command = cli
    path: list[str] = []
    for token in argv:
        if not path and token == "--traceback":
            continue
        if not isinstance(command, click.Group) or token not in command.commands:
            break
        command = command.commands[token]
        path.append(token)
    return path, command


def option_names(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option):
            names |= {*param.opts, *param.secondary_opts}
    return names


# -- a scratch repository -------------------------------------------------------------------------


def example_files() -> dict[str, tuple[Block, str]]:
    """``SLUG/FILE`` -> (block, text) of every marked YAML example in the guides."""
    found: dict[str, tuple[Block, str]] = {}
    for doc in GUIDES:
        for block in blocks(doc):
            if "example" in block.marks:
                target = block.marks["example"]
                assert target not in found, f"{block.where}: a second example of {target}"
                found[target] = (block, "\n".join(block.lines) + "\n")
    return found


def made_up_content(path: str) -> bytes:
    """A real file for a test-file comment or an example's evidence."""
    suffix = Path(path).suffix
    if suffix in (".png", ".jpg", ".jpeg", ".gif"):
        assert suffix == ".png", f"only PNG logos are made here: {path}"
        return png_bytes((200, 200))
    if suffix in (".flopack", ".folder"):
        flows = {"run-all": {"name": "Run all connector tests"}}
        return (json.dumps({"type": "flopack", "data": {"flos": flows}}) + "\n").encode()
    raise AssertionError(f"no test content for {path}")


def write_example_folder(
    scratch: Scratch, slug: str, examples: dict[str, tuple[Block, str]]
) -> None:
    """Every example file of ``slug``, with the logo it names and the Workflows test suite."""
    for key, (_, text) in examples.items():
        if key.startswith(slug + "/"):
            scratch.write(f"submissions/{key}", text)
    folder = scratch.root / "submissions" / slug
    assert (folder / "submission.yaml").is_file(), f"example {slug} has no submission.yaml"
    logo = yaml.safe_load((folder / "submission.yaml").read_text())["app"]["logo"]
    (folder / logo).write_bytes(made_up_content(logo))
    if (folder / "workflows.yaml").is_file():
        suite = yaml.safe_load((folder / "workflows.yaml").read_text())["test_suite"]
        scratch.write(f"submissions/{slug}/{suite}", made_up_content(suite))


class Scratch:
    """A copy of the repository to run one document's commands in, in-process."""

    def __init__(
        self, tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.root = tmp / "repo"
        self.root.mkdir(parents=True)
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, self.root / name)
            elif source.is_file():
                shutil.copy2(source, self.root / name)
        self.home = tmp / "home"
        self.home.mkdir()
        self.monkeypatch, self.capsys = monkeypatch, capsys
        monkeypatch.setenv("HOME", str(self.home))
        for name in (
            "GITHUB_ACTIONS",
            "GITHUB_STEP_SUMMARY",
            "GITHUB_OUTPUT",
            "OIN_GITOPS_AUTHOR",
            "OIN_GITOPS_SHA",
            "OIN_GITOPS_PRIVATE_KEY",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.chdir(self.root)
        capsys.readouterr()

    def path(self, text: str) -> Path:
        if text.startswith("~/"):
            return self.home / text[2:]
        return self.root / text

    def argv(self, argv: list[str]) -> list[str]:
        return [str(self.home / token[2:]) if token.startswith("~/") else token for token in argv]

    def run(self, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as exited:
            main(self.argv(argv))
        captured = self.capsys.readouterr()
        code = exited.value.code
        return (
            (code if isinstance(code, int) else 0 if code is None else 2),
            captured.out,
            captured.err,
        )

    def write(self, relative: str, content: str | bytes) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def check_output(command: Command, out: str, err: str) -> None:
    """The output a console block shows: all of it, or chunks in order around ``...`` lines."""
    shown = list(command.shown or [])
    while shown and not shown[-1]:
        shown.pop()
    if not shown:
        return
    actual = [line.rstrip() for line in (out + err).splitlines()]
    while actual and not actual[-1]:
        actual.pop()
    where = f"{command.block.where}: output of {command.text!r}"
    if "..." not in shown:
        assert actual == shown, f"{where} differs:\n" + "\n".join(actual)
        return
    chunks: list[list[str]] = [[]]
    for line in shown:
        if line == "...":
            chunks.append([])
        else:
            chunks[-1].append(line)
    position = 0
    for number, chunk in enumerate(chunks):
        if not chunk:
            continue
        if number == 0:
            assert actual[: len(chunk)] == chunk, f"{where} starts differently:\n" + "\n".join(
                actual
            )
            position = len(chunk)
            continue
        for start in range(position, len(actual) - len(chunk) + 1):
            if actual[start : start + len(chunk)] == chunk:
                position = start + len(chunk)
                break
        else:
            raise AssertionError(f"{where} has no {chunk!r} in order:\n" + "\n".join(actual))
    if chunks[-1]:
        assert actual[-len(chunks[-1]) :] == chunks[-1], f"{where} ends differently:\n" + "\n".join(
            actual
        )


@dataclass
class Walk:
    """Runs one document's steps in its scratch repository and counts what it did."""

    scratch: Scratch
    examples: dict[str, tuple[Block, str]]
    ran: list[str] = field(default_factory=list)
    helped: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)

    def command(self, command: Command) -> None:
        stages = command.stages()
        where = f"{command.block.where}: {command.text!r}"
        path, click_command = command_path(stages[0].argv)
        if any(tuple(path[: len(prefix)]) == prefix for prefix in HELP_ONLY):
            assert len(stages) == 1, where
            self.help(stages[0].argv, path, click_command, where)
            return
        data: str | None = None
        code, out, err = 0, "", ""
        for stage in stages:
            for token in stage.argv:
                assert not SHELL_SYNTAX.search(token), f"{where}: shell expansion in {token!r}"
            stage_path, _ = command_path(stage.argv)
            stdin = data if data is not None else ""
            if stage.stdin is not None:
                stdin = self.scratch.path(stage.stdin).read_text(encoding="utf-8")
            elif data is None and stage_path == ["seal"]:
                stdin = MADE_UP_SECRET
            if stage_path == ["unseal"]:
                piped = stage is not stages[-1] or stage.stdout is not None
                code, out, err = self.unseal(stage.argv, where, terminal=not piped)
            else:
                code, out, err = self.scratch.run(stage.argv, stdin)
            if stage is not stages[-1]:
                assert code == 0, f"{where}: '{' '.join(stage.argv)}' exited {code}:\n{out}{err}"
            if stage.stdout is not None:
                self.scratch.path(stage.stdout).write_text(out, encoding="utf-8")
            data = out
        assert code == command.expected_exit, (
            f"{where} exited {code}, the doc says {command.expected_exit}:\n{out}{err}"
        )
        if stages[-1].stdout is None:
            check_output(command, out, err)
        self.ran.append(command.text)

    def help(self, argv: list[str], path: list[str], command: click.Command, where: str) -> None:
        code, out, err = self.scratch.run([*path, "--help"])
        assert code == 0, f"{where}: --help exited {code}:\n{out}{err}"
        known = option_names(command)
        for token in argv[len(path) :]:
            if token.startswith("-"):
                assert token.split("=", 1)[0] in known, (
                    f"{where}: no option {token} ({sorted(known)})"
                )
        self.helped.append(" ".join(argv))

    def unseal(self, argv: list[str], where: str, terminal: bool) -> tuple[int, str, str]:
        """Seal a known value to a throwaway key into FILE, unseal it, then put FILE back.
        Its output is a terminal unless the document pipes or redirects it.

        A FILE the document fetched with git (which the test cannot run) is made from the guide's
        example of the same name."""
        positional = [token for token in argv[1:] if not token.startswith("-")]
        target, fieldname = positional[0], positional[1:2]
        path = self.scratch.path(target)
        inside = (
            path.resolve().relative_to(self.scratch.root.resolve()).parts
            if path.resolve().is_relative_to(self.scratch.root.resolve())
            else ()
        )
        if not path.exists() and inside[:1] == ("submissions",) and len(inside) == 3:
            # A submission the document assumes: the ISV guide's example of that slug.
            write_example_folder(self.scratch, inside[1], self.examples)
        if not path.exists():
            sources = [
                text for key, (_, text) in self.examples.items() if key.endswith("/" + path.name)
            ]
            assert sources, f"{where}: no {target}, and no example named {path.name} to stand in"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(sources[0], encoding="utf-8")
        original = path.read_bytes()
        key = PrivateKey.generate()
        public = _b64(bytes(key.public_key))
        code, out, err = self.scratch.run(
            ["seal", str(path), *fieldname, "--public-key", public], UNSEALED
        )
        assert code == 0, f"{where}: sealing a value to unseal failed:\n{out}{err}"
        self.scratch.monkeypatch.setenv("OIN_GITOPS_PRIVATE_KEY", _b64(bytes(key)))
        self.scratch.monkeypatch.setattr(
            "oin_gitops.cli.secrets.stdout_is_terminal", lambda: terminal
        )
        try:
            code, out, err = self.scratch.run(argv)
        finally:
            self.scratch.monkeypatch.delenv("OIN_GITOPS_PRIVATE_KEY")
            path.write_bytes(original)
        assert code != 0 or out == UNSEALED + "\n", f"{where}: unseal printed {out!r}"
        return code, out, err

    def example(self, block: Block) -> None:
        """The reader fills in a file that exists (``oin-gitops new`` made it)."""
        target = f"submissions/{block.marks['example']}"
        if (self.scratch.root / target).is_file():
            self.scratch.write(target, "\n".join(block.lines) + "\n")
            self.filled.append(target)

    def file_mark(self, item: FileMark) -> None:
        path = self.scratch.root / item.path
        assert path.parent.is_dir(), f"{item.doc.name}:{item.line}: no folder for {item.path} yet"
        path.write_bytes(made_up_content(item.path))

    def readme_prose_steps(self, command: Command) -> None:
        """The README's quick start fills in the scaffold in prose (step 3: replace every TODO,
        add the logo); after its ``new``, do that with the ISV guide's examples of that slug."""
        stages = command.stages()
        if command.block.doc != README or command_path(stages[0].argv)[0] != ["new"]:
            return
        slug = next(token for token in stages[0].argv[1:] if not token.startswith("-"))
        folder = self.scratch.root / "submissions" / slug
        for key, (block, _) in self.examples.items():
            if key.startswith(slug + "/"):
                self.example(block)
        (folder / "logo.png").write_bytes(png_bytes((200, 200)))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def walk(doc: Path, tmp_path: Path, monkeypatch, capsys) -> Walk:
    scratch = Scratch(tmp_path, monkeypatch, capsys)
    steps = Walk(scratch, example_files())
    for item in parse(doc):
        if isinstance(item, FileMark):
            steps.file_mark(item)
        elif "example" in item.marks:
            steps.example(item)
        else:
            for command in commands(item):
                steps.command(command)
                steps.readme_prose_steps(command)
    return steps


# -- 1. commands ----------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", COMMAND_DOCS, ids=lambda doc: doc.name)
def test_every_command_runs_as_documented(doc: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    steps = walk(doc, tmp_path, monkeypatch, capsys)
    assert steps.ran or steps.helped, f"{doc.name} has no oin-gitops command"


def test_the_isv_guide_runs_from_new_to_a_clean_lint(tmp_path: Path, monkeypatch, capsys) -> None:
    """The walk-through itself: scaffold, fill in, logo, seal, status, lint clean."""
    steps = walk(ISV_GUIDE, tmp_path, monkeypatch, capsys)
    names = [text.split()[1] for text in steps.ran]
    for needed in ("new", "status", "seal", "lint"):
        assert needed in names, f"the ISV guide runs no 'oin-gitops {needed}'"
    assert steps.filled, "no example of the ISV guide fills in the scaffold"
    code, out, _ = steps.scratch.run(["lint", "--format", "json", "submissions/acme-notes"])
    assert code == 0 and json.loads(out)["diagnostics"] == []
    assert (steps.scratch.root / "submissions/acme-notes/logo.png").is_file()


def test_the_readme_quick_start_ends_clean(tmp_path: Path, monkeypatch, capsys) -> None:
    steps = walk(README, tmp_path, monkeypatch, capsys)
    assert any(text.startswith("oin-gitops lint submissions/") for text in steps.ran)


def test_the_bot_commands_of_the_guides_are_checked(tmp_path: Path, monkeypatch, capsys) -> None:
    helped = []
    for doc in GUIDES:
        helped += walk(doc, tmp_path / doc.stem, monkeypatch, capsys).helped
    assert any(text.startswith("review ") for text in helped)
    assert any(text.startswith("labels sync") for text in helped)


# -- 2. YAML examples -----------------------------------------------------------------------------


def test_every_schema_yaml_block_is_a_marked_example() -> None:
    for doc in (*GUIDES, README):
        for block in blocks(doc):
            first = block.lines[0] if block.lines else ""
            starts = block.lang in ("yaml", "yml") and first.startswith("# yaml-language-server:")
            if not starts:
                assert "example" not in block.marks, (
                    f"{block.where}: marked but not a schema example"
                )
                continue
            assert "example" in block.marks, (
                f"{block.where}: add <!-- example: SLUG/FILE --> before it"
            )
            match = SCHEMA_LINE.match(first)
            assert match, f"{block.where}: the first line names no schema of schemas/"
            slug, _, name = block.marks["example"].partition("/")
            assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,62}", slug), block.where
            assert name == f"{match['name']}.yaml", f"{block.where}: {name} with {first}"


def test_examples_cover_every_file_of_the_format() -> None:
    names = {key.split("/", 1)[1] for key in example_files()}
    assert {"submission.yaml", *PROTOCOL_FILES} <= names


def test_example_folders_lint_without_any_finding(tmp_path: Path, monkeypatch, capsys) -> None:
    scratch = Scratch(tmp_path, monkeypatch, capsys)
    examples = example_files()
    slugs = sorted({key.split("/", 1)[0] for key in examples})
    for slug in slugs:
        write_example_folder(scratch, slug, examples)
    for slug in slugs:
        code, out, err = scratch.run(["lint", "--format", "json", f"submissions/{slug}"])
        report = json.loads(out)
        found = [
            f"{d['path']}:{d['line']}: {d['rule']}: {d['message']}" for d in report["diagnostics"]
        ]
        assert (code, found) == (0, []), f"example {slug}:\n" + "\n".join(found) + err
        assert report["submissions"] == [slug]


# -- 3. rule ids ----------------------------------------------------------------------------------

# Backticked kebab-case words of the docs that are not rule ids although they start like one.
NOT_RULES = frozenset({"api-service"})
RULE_FAMILIES = frozenset(rule_id.split("-")[0] for rule_id in RULE_IDS if "-" in rule_id)
LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"(`+)(?P<code>.+?)\1")


def rule_mentions(doc: Path) -> Iterator[tuple[int, str]]:
    """(line, id) of each rule id the document mentions: links into rules.md, backticked
    kebab-case words of a rule family or next to the word 'rule', and the ``[rule]`` that ends
    a lint finding in a console block."""
    for number, line in prose(doc):
        for link in LINK.finditer(line):
            target = link["target"].strip("<>")
            path, _, anchor = target.partition("#")
            if anchor and path.endswith("rules.md") and not path.startswith(("http:", "https:")):
                yield number, anchor
        for span in CODE_SPAN.finditer(line):
            word = span["code"]
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", word) or word in NOT_RULES:
                continue
            around = line[max(0, span.start() - 6) : span.end() + 6].lower()
            if word.split("-")[0] in RULE_FAMILIES or "rule" in around:
                yield number, word
    for block in blocks(doc):
        if block.lang == "console":
            for offset, line in enumerate(block.lines, 1):
                found = re.search(r" \[(?P<rule>[a-z0-9-]+)\]$", line)
                if found and not line.startswith("$ "):
                    yield block.line + offset, found["rule"]


@pytest.mark.parametrize("doc", LINKED_DOCS, ids=lambda doc: doc.name)
def test_every_rule_id_mentioned_exists(doc: Path) -> None:
    unknown = [
        f"{doc.name}:{line}: {rule}" for line, rule in rule_mentions(doc) if rule not in RULE_IDS
    ]
    assert not unknown, "rule ids that no rule has:\n" + "\n".join(unknown)


def test_every_rule_is_in_the_rules_reference() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+)$", text, flags=re.MULTILINE)
    assert sorted(headings) == sorted(RULE_IDS), "docs/rules.md and the rule registry differ"
    for rule in RULES:
        assert f"| [{rule.id}](#{rule.id}) |" in text, f"{rule.id} is missing from the table"


def _guidelines_in(text: str) -> set[str]:
    """Guideline numbers a text names, with ranges such as 'VAR-01 to VAR-03' expanded."""
    found = set(re.findall(r"\b[A-Z]{2,5}-\d{2}\b", text))
    for family, start, end in re.findall(r"\b([A-Z]{2,5})-(\d{2}) to \1-(\d{2})\b", text):
        found |= {f"{family}-{n:02d}" for n in range(int(start), int(end) + 1)}
    return found


def _schema_guidelines() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "schemas").glob("*.schema.json"):
        found |= set(re.findall(r'"x-oin-guideline": "([A-Z]+-\d+)"', path.read_text()))
    return found


def test_the_isv_guide_links_every_guideline_rule() -> None:
    text = ISV_GUIDE.read_text(encoding="utf-8")
    missing = [rule.id for rule in RULES if rule.guideline and f"](rules.md#{rule.id})" not in text]
    assert not missing, f"the ISV guide links no rule of: {missing}"
    guidelines = {rule.guideline for rule in RULES if rule.guideline} | _schema_guidelines()
    named = _guidelines_in(text)
    assert guidelines <= named, (
        f"guidelines the ISV guide does not name: {sorted(guidelines - named)}"
    )


# -- 4. links -------------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text lowercased, without punctuation, spaces as '-'."""
    text = LINK.sub(lambda link: link["text"], heading)
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in prose(doc):
        heading = re.match(r"^#{1,6}\s+(?P<text>.+?)\s*#*\s*$", line)
        if heading:
            base = slug(heading["text"])
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        found |= set(re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", line))
    return found


def relative_links(doc: Path) -> Iterator[tuple[int, str]]:
    for number, line in prose(doc):
        line = CODE_SPAN.sub("", line)
        for link in LINK.finditer(line):
            target = link["target"].strip("<>")
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
                continue
            yield number, target


@pytest.mark.parametrize("doc", LINKED_DOCS, ids=lambda doc: doc.name)
def test_every_relative_link_resolves(doc: Path) -> None:
    broken = []
    for number, target in relative_links(doc):
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists():
            broken.append(f"{doc.name}:{number}: {target} (no such file)")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{doc.name}:{number}: {target} (no such heading)")
        elif anchor and file.suffix != ".md":
            broken.append(
                f"{doc.name}:{number}: {target} (an anchor into a file that is not Markdown)"
            )
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_slugs_follow_github() -> None:
    assert slug("5. Seal the test-account password (and other secrets)") == (
        "5-seal-the-test-account-password-and-other-secrets"
    )
    assert (
        slug("`workflows.yaml`: a [Workflows](x.md) connector")
        == "workflowsyaml-a-workflows-connector"
    )
    assert slug("Use the GitHub Action") == "use-the-github-action"


# -- 5. the README and the support files ----------------------------------------------------------


def test_the_readme_links_the_three_guides() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Guides\n", 1)
    assert len(section) == 2, "the README has no '## Guides' section"
    guides = section[1].split("\n## ", 1)[0]
    for guide in GUIDES:
        assert f"](docs/{guide.name})" in guides, (
            f"the README's Guides section does not link {guide.name}"
        )


def test_security_policy_and_issue_forms_exist() -> None:
    assert SECURITY.is_file()
    forms = sorted(ISSUE_TEMPLATES.glob("*.yml"))
    names = {path.name for path in forms}
    assert {"help-with-my-submission.yml", "report-a-published-integration.yml"} <= names
    for path in forms:
        assert yaml.safe_load(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    ("schema", "pattern"),
    [("vendor.github-issue-forms", "[!c]*.yml"), ("vendor.github-issue-config", "config.yml")],
    ids=["forms", "config"],
)
def test_issue_templates_match_githubs_schemas(schema: str, pattern: str) -> None:
    check = Path(sys.executable).parent / "check-jsonschema"
    found = str(check) if check.exists() else shutil.which("check-jsonschema")
    if found is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]' installs it)")
    paths = sorted(ISSUE_TEMPLATES.glob(pattern))
    assert paths, pattern
    done = subprocess.run(
        [found, "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"check-jsonschema {schema}:\n{done.stdout}{done.stderr}"


# -- the ISV guide's guideline table -----------------------------------------------------------

_GUIDE_ROW = re.compile(r"^\| ([A-Z]+-\d\d) \| [^|]* \| (.*) \|$")
_RULE_LINK = re.compile(r"\]\(rules\.md#([a-z0-9-]+)\)")


def test_the_isv_guides_guideline_table_matches_the_traceability_table() -> None:
    """One row per applicable guideline, linking every rule that cites it (and the schema when
    a schema keyword does): derived from the registry and the schemas, so a new rule citing a
    guideline only needs its link added to that guideline's row."""
    from oin_gitops import guidelines

    guide = Path(__file__).resolve().parent.parent / "docs" / "publish-your-integration.md"
    table = guide.read_text(encoding="utf-8").split("## Guidelines the linter checks", 1)[1]
    rows = {m.group(1): m.group(2) for m in map(_GUIDE_ROW.match, table.splitlines()) if m}
    problems = []
    for trace in guidelines.traceability():
        expected = guidelines.guide_row(trace)
        cell = rows.pop(trace.id, None)
        if cell is None:
            problems.append(f"add the row: {expected}")
            continue
        links = set(_RULE_LINK.findall(cell))
        wanted = set(trace.rules) | ({"schema"} if trace.schema else set())
        if links != wanted or bool(trace.bot) != ("review bot" in cell):
            problems.append(f"replace the row of {trace.id} with: {expected}")
    problems += [f"remove the row of {gid}: not an applicable guideline" for gid in rows]
    assert not problems, "docs/publish-your-integration.md:\n" + "\n".join(problems)
