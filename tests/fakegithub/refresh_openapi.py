"""Refresh ``openapi-subset.json``: the slice of GitHub's OpenAPI description the fake must honour.

GitHub publishes its REST API description in the npm package ``@octokit/openapi``
(``generated/api.github.com.json``, about 13 MB). The tests only need the success-response
schemas of the routes the review bot uses, so this script extracts, for each ``ROUTES`` entry,
the 200/201/204 response (``application/json`` only) plus every ``#/components/schemas/...``
it references, transitively, and writes them as a small, valid OpenAPI 3.0 document with sorted
keys. The package version is recorded in ``info["x-octokit-openapi-version"]``; the few known
upstream inaccuracies corrected on the way (``ERRATA``) are listed in ``info["x-errata"]``.

Usage (from the repository root; needs ``npm`` and the npm registry)::

    python tests/fakegithub/refresh_openapi.py                  # latest @octokit/openapi
    python tests/fakegithub/refresh_openapi.py --version 23.0.2 # a pinned version
    python tests/fakegithub/refresh_openapi.py --from octokit-openapi-23.0.2.tgz   # offline
    python tests/fakegithub/refresh_openapi.py --from package/generated/api.github.com.json \
        --package-version 23.0.2

Re-run ``pytest tests/test_fakegithub.py`` afterwards: a schema change upstream shows up as a
validation failure of the fake's responses.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PACKAGE = "@octokit/openapi"
MEMBER = "package/generated/api.github.com.json"
OUTPUT = Path(__file__).resolve().with_name("openapi-subset.json")
SUCCESS = ("200", "201", "204")
# Components kept besides those the routes need: GitHub's error body, for the error tests.
EXTRA_SCHEMAS = ("basic-error",)

# Known inaccuracies of GitHub's description that real responses contradict. Each is applied to
# the subset (and listed in its info["x-errata"]) so the fake can answer as GitHub really does.
ERRATA: tuple[dict[str, Any], ...] = (
    {
        "schema": "pull-request-simple",
        "pointer": "properties/labels/items/properties/description",
        "set": {"nullable": True},
        "why": (
            "GitHub sends null for a label without a description in GET /pulls, as it does in "
            "GET /pulls/{n} (github/rest-api-description#1812)"
        ),
    },
)

# (method, path template as GitHub's description spells it): the review bot's whole surface.
ROUTES: tuple[tuple[str, str], ...] = (
    ("get", "/orgs/{org}"),
    ("get", "/orgs/{org}/teams/{team_slug}"),
    ("get", "/orgs/{org}/teams/{team_slug}/members"),
    ("get", "/rate_limit"),
    ("get", "/repos/{owner}/{repo}"),
    # PyGithub's repo.get_commit(sha) fetches the commit before .create_status() (unless lazy)
    ("get", "/repos/{owner}/{repo}/commits"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}/status"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}/statuses"),
    ("get", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls"),
    ("get", "/repos/{owner}/{repo}/contents/{path}"),
    ("get", "/repos/{owner}/{repo}/git/blobs/{file_sha}"),
    ("get", "/repos/{owner}/{repo}/git/trees/{tree_sha}"),
    ("get", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/labels"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/labels"),
    ("put", "/repos/{owner}/{repo}/issues/{issue_number}/labels"),
    ("delete", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}"),
    ("get", "/repos/{owner}/{repo}/labels"),
    ("post", "/repos/{owner}/{repo}/labels"),
    ("get", "/repos/{owner}/{repo}/labels/{name}"),
    ("patch", "/repos/{owner}/{repo}/labels/{name}"),
    ("get", "/repos/{owner}/{repo}/pulls"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/files"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("post", "/repos/{owner}/{repo}/statuses/{sha}"),
    ("get", "/user"),
)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported, got {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def extract(document: dict[str, Any], version: str) -> dict[str, Any]:
    """The subset document for ``ROUTES`` out of GitHub's full description."""
    paths: dict[str, dict[str, Any]] = {}
    for method, template in ROUTES:
        operation = document["paths"][template][method]
        responses: dict[str, Any] = {}
        for status in SUCCESS:
            response = operation["responses"].get(status)
            if response is None:
                continue
            if "$ref" in response:
                response = _resolve(document, response["$ref"])
            kept: dict[str, Any] = {"description": response.get("description", "")}
            media = response.get("content", {}).get("application/json")
            if media is not None:
                kept["content"] = {"application/json": {"schema": media["schema"]}}
            responses[status] = kept
        if not responses:
            raise SystemExit(f"{method.upper()} {template}: no 200/201/204 response upstream")
        paths.setdefault(template, {})[method] = {
            "operationId": operation.get("operationId", ""),
            "responses": responses,
        }

    schemas: dict[str, Any] = {}
    pending = [
        *_refs(paths),
        *(f"#/components/schemas/{name}" for name in EXTRA_SCHEMAS),
    ]
    while pending:
        ref = pending.pop()
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise SystemExit(f"unexpected reference {ref!r}: only component schemas are vendored")
        name = ref[len(prefix) :]
        if name in schemas:
            continue
        schemas[name] = _resolve(document, ref)
        pending.extend(_refs(schemas[name]))

    errata = []
    for erratum in ERRATA:
        node: Any = schemas.get(erratum["schema"])
        for part in erratum["pointer"].split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            print(f"erratum no longer applies (schema changed): {erratum}", file=sys.stderr)
            continue
        if all(node.get(key) == value for key, value in erratum["set"].items()):
            print(f"erratum fixed upstream, drop it: {erratum}", file=sys.stderr)
            continue
        node.update(erratum["set"])
        errata.append(erratum)

    return {
        "openapi": document["openapi"],
        "info": {
            "title": "GitHub REST API: the routes oin-gitops's review bot uses",
            "description": (
                "Extracted by tests/fakegithub/refresh_openapi.py from "
                f"{PACKAGE}@{version} ({MEMBER.removeprefix('package/')}). Do not edit by hand."
            ),
            "version": document["info"]["version"],
            "x-octokit-openapi-version": version,
            "x-errata": errata,
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _load_tarball(tarball: Path) -> tuple[dict[str, Any], str]:
    with tarfile.open(tarball, "r:gz") as archive:
        package_json = archive.extractfile("package/package.json")
        description = archive.extractfile(MEMBER)
        if package_json is None or description is None:
            raise SystemExit(f"{tarball}: not an {PACKAGE} package")
        version = json.load(package_json)["version"]
        return json.load(description), version


def _npm_pack(spec: str, into: Path) -> Path:
    result = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    )
    return into / result.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", help=f"{PACKAGE} version to fetch with npm (default: latest)")
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="a downloaded package tarball (.tgz) or its generated/api.github.com.json",
    )
    parser.add_argument("--package-version", help="the version, when --from is a .json file")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    if args.source is not None and args.source.suffix == ".json":
        if not args.package_version:
            parser.error("--from FILE.json needs --package-version")
        document, version = json.loads(args.source.read_text("utf-8")), args.package_version
    elif args.source is not None:
        document, version = _load_tarball(args.source)
    else:
        spec = f"{PACKAGE}@{args.version}" if args.version else PACKAGE
        with tempfile.TemporaryDirectory() as scratch:
            document, version = _load_tarball(_npm_pack(spec, Path(scratch)))

    subset = extract(document, version)
    text = json.dumps(subset, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(
        f"wrote {args.output} from {PACKAGE}@{version}: {len(ROUTES)} routes, "
        f"{len(subset['components']['schemas'])} schemas, {len(text)} bytes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
