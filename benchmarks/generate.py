"""Generate a deterministic OIN GitOps repository of N realistic submissions, for benchmarks.

    python benchmarks/generate.py 10000 /tmp/oin-bench/repo-10000 --seed 1 [--changed]

The repository holds ``.oin-gitops.yaml`` (a key pair derived from the seed), ``benchmark.json``
(what was generated: the protocol mix, the planted findings, the folder ``--changed`` edits) and
``submissions/<slug>/`` folders in realistic proportions: SAML, OIDC, SAML+SCIM, OIDC+SCIM, SCIM,
Workflows connectors (with a ``.flopack`` test suite in ``evidence/``) and API service
integrations. Logos are real PNGs of the allowed sizes from a pool of 50 drawn with Pillow.
About 5 % of the submissions carry one planted finding (an http:// URL, a missing key, a
wrong-size logo or a TODO placeholder); every other submission lints without errors.

History: the submissions arrive in three batches and some are updated in two later commits,
all at fixed dates, so the same N and seed give the same tree and the same commit ids.
``--changed`` then adds one commit on the branch ``change`` (checked out) that edits one clean
submission folder, for ``oin-gitops lint --changed-since main``.

Sealed values are real PyNaCl sealed boxes to the repository key, made deterministic: the
ephemeral key of each box is derived from the seed and the slug instead of drawn at random
(``deterministic_seal``), so they open with the private key like any ``oin-gitops seal`` output.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from nacl.bindings import crypto_box
from nacl.public import PrivateKey, PublicKey
from PIL import Image, ImageDraw

from oin_gitops import secrets

GENERATOR_VERSION = 3  # 2: sealed values bound to their place; 3: attestations (ORG-03)
MANIFEST = "benchmark.json"
CHANGE_BRANCH = "change"
BASE_BRANCH = "main"

# (protocol files, weight in percent): the OIN catalog is mostly SSO, SAML first.
MIXES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("saml",), 34),
    (("oidc",), 20),
    (("saml", "scim"), 18),
    (("oidc", "scim"), 10),
    (("scim",), 8),
    (("workflows",), 5),
    (("api-service",), 5),
)
PLANTED_KINDS = ("http-url", "missing-key", "logo-size", "todo")
LOGO_POOL = 50
# Allowed logo sizes with their share of the pool (square preferred).
LOGO_SIZES = ((200, 200), (200, 200), (244, 244), (200, 200), (244, 244), (244, 156), (156, 244))
WRONG_LOGO_SIZE = (256, 256)

# Fixed dates of the history (UTC): three batches of new submissions, two rounds of updates,
# and the --changed commit.
BATCH_DATES = (
    "2024-01-15T09:00:00+00:00",
    "2024-03-04T10:30:00+00:00",
    "2024-05-20T14:00:00+00:00",
)
UPDATE_DATES = ("2024-07-08T11:15:00+00:00", "2024-09-16T16:45:00+00:00")
CHANGE_DATE = "2024-11-04T12:00:00+00:00"
BATCH_SHARES = (0.4, 0.3, 0.3)
UPDATE_SHARE = 0.08  # of the submissions, in each update round

PREFIXES = [
    "Acorn",
    "Amber",
    "Apex",
    "Arbor",
    "Aster",
    "Atlas",
    "Aurora",
    "Azure",
    "Beacon",
    "Birch",
    "Blue",
    "Bolt",
    "Bright",
    "Brook",
    "Cedar",
    "Cinder",
    "Clear",
    "Cloud",
    "Cobalt",
    "Comet",
    "Copper",
    "Coral",
    "Crest",
    "Crimson",
    "Crystal",
    "Cypress",
    "Dawn",
    "Delta",
    "Echo",
    "Ember",
    "Fern",
    "Field",
    "Flint",
    "Fox",
    "Frost",
    "Garnet",
    "Glacier",
    "Gold",
    "Granite",
    "Harbor",
    "Hazel",
    "Helix",
    "Indigo",
    "Iris",
    "Iron",
    "Ivy",
    "Jade",
    "Juniper",
    "Keystone",
    "Kite",
    "Lake",
    "Lantern",
    "Laurel",
    "Lime",
    "Linden",
    "Lumen",
    "Lunar",
    "Maple",
    "Marble",
    "Meadow",
    "Mesa",
    "Metro",
    "Mint",
    "Nimbus",
    "Noble",
    "North",
    "Nova",
    "Oak",
    "Onyx",
    "Opal",
    "Orbit",
    "Pine",
    "Pixel",
    "Polar",
    "Prism",
    "Quartz",
    "Quill",
    "Rapid",
    "River",
    "Rock",
    "Ruby",
    "Sage",
    "Sierra",
    "Silver",
    "Slate",
    "Solar",
    "Spruce",
    "Stone",
    "Summit",
    "Swift",
    "Terra",
    "Tidal",
    "Timber",
    "Topaz",
    "True",
    "Velvet",
    "Vista",
    "Willow",
    "Zenith",
]
SUFFIXES = [
    "base",
    "bay",
    "beam",
    "bench",
    "board",
    "book",
    "box",
    "bridge",
    "cast",
    "cloud",
    "craft",
    "desk",
    "dock",
    "flow",
    "forge",
    "frame",
    "gate",
    "grid",
    "hive",
    "hub",
    "journal",
    "lab",
    "ledger",
    "line",
    "link",
    "loop",
    "mark",
    "mind",
    "nest",
    "note",
    "path",
    "point",
    "port",
    "pulse",
    "quest",
    "rail",
    "ray",
    "scope",
    "shift",
    "signal",
    "sphere",
    "spring",
    "stack",
    "station",
    "sync",
    "table",
    "track",
    "vault",
    "view",
    "wave",
    "well",
    "wise",
    "works",
    "yard",
]
PRODUCTS = ("", "", "", "", " Cloud", " HR", " CRM", " Analytics", " Docs", " Pay", " Care", " Ops")

# (industry, what the product does, what users do with it) for descriptions.
INDUSTRIES = (
    (
        "help-desk",
        "a help-desk platform",
        "support teams answer customer tickets, chats and calls from one shared inbox",
    ),
    (
        "expense",
        "an expense management app",
        "employees snap receipts and finance teams approve and export expense reports",
    ),
    (
        "crm",
        "a customer relationship management platform",
        "sales teams track leads, deals and customer conversations",
    ),
    (
        "hr",
        "a human resources information system",
        "HR teams manage hiring, onboarding, time off and reviews",
    ),
    (
        "analytics",
        "a product analytics platform",
        "product teams explore usage data and build dashboards",
    ),
    (
        "security",
        "a security analytics platform",
        "security teams correlate identity, endpoint and network telemetry",
    ),
    (
        "projects",
        "a project management tool",
        "teams plan work, track tasks and share status updates",
    ),
    ("docs", "a document collaboration suite", "teams write, review and sign documents together"),
    (
        "learning",
        "a learning management system",
        "companies run courses, certifications and compliance training",
    ),
    (
        "design",
        "a design collaboration tool",
        "designers and engineers share prototypes and review changes",
    ),
    (
        "devtools",
        "a developer platform",
        "engineering teams review code, run pipelines and ship releases",
    ),
    (
        "payroll",
        "a payroll and benefits platform",
        "finance and HR teams run payroll and manage benefits",
    ),
)
USE_CASES = (
    "Automation",
    "Zero Trust",
    "Centralized Logging",
    "Directory and HR Sync",
    "Identity Governance and Administration (IGA)",
    "Risk Signal Sharing",
)
API_SCOPES = (
    ("okta.logs.read",),
    ("okta.users.read", "okta.groups.read"),
    ("okta.users.manage", "okta.groups.read"),
    ("okta.apps.read", "okta.users.read"),
    ("okta.userRisk.manage", "okta.logs.read"),
    ("okta.devices.read", "okta.users.read"),
    ("okta.policies.read", "okta.logs.read", "okta.users.read"),
)
WORDS = [
    "account",
    "admin",
    "audit",
    "billing",
    "calendar",
    "case",
    "channel",
    "comment",
    "contact",
    "contract",
    "customer",
    "dashboard",
    "deal",
    "device",
    "document",
    "employee",
    "event",
    "expense",
    "export",
    "file",
    "folder",
    "group",
    "incident",
    "invoice",
    "issue",
    "license",
    "meeting",
    "member",
    "note",
    "order",
    "payment",
    "policy",
    "project",
    "queue",
    "record",
    "report",
    "request",
    "review",
    "role",
    "schedule",
    "seat",
    "space",
    "task",
    "team",
    "ticket",
    "timesheet",
    "user",
    "vendor",
    "workspace",
]


@dataclass
class Spec:
    """One submission to generate: its identity, protocols and everything drawn for it."""

    index: int
    slug: str
    name: str
    protocols: tuple[str, ...]
    logo: int
    industry: tuple[str, str, str]
    rng_seed: int
    batch: int
    updates: tuple[int, ...] = ()  # update rounds (0, 1) that change this submission
    planted: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


# --- keys and sealed values ----------------------------------------------------------------


def repository_key(seed: int) -> PrivateKey:
    """The repository's key pair, derived from the seed (its public half goes into the config)."""
    return PrivateKey(hashlib.sha256(f"oin-gitops-bench-key:{seed}".encode()).digest())


def deterministic_seal(plaintext: str, key: PublicKey, material: str, place: secrets.Place) -> str:
    """A sealed box like ``oin_gitops.secrets.seal`` (libsodium's crypto_box_seal: ephemeral
    public key, then crypto_box with the nonce BLAKE2b(epk || pk)) of the v2 plaintext binding
    ``plaintext`` to ``place``, but with the ephemeral key derived from ``material`` so the same
    input gives the same value."""
    ephemeral = PrivateKey(hashlib.sha256(f"oin-gitops-bench-box:{material}".encode()).digest())
    epk = bytes(ephemeral.public_key)
    nonce = hashlib.blake2b(epk + bytes(key), digest_size=24).digest()
    message = secrets.encode_plaintext(place, plaintext)
    box = crypto_box(message, nonce, bytes(key), bytes(ephemeral))
    return f"{secrets.PREFIX}{secrets.key_id(key)}:{secrets.b64(epk + box)}"


# --- logos -----------------------------------------------------------------------------------


def draw_logo(rng: random.Random, size: tuple[int, int]) -> bytes:
    """A small flat logo: coloured shapes on a transparent background (transparent corners)."""
    width, height = size
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    hue = [rng.randrange(30, 230) for _ in range(3)]
    main = (*hue, 255)
    accent = (255 - hue[0], 255 - hue[1], 255 - hue[2], 255)
    margin = min(width, height) // 8
    box = (margin, margin, width - margin, height - margin)
    shape = rng.randrange(4)
    if shape == 0:
        draw.ellipse(box, fill=main)
    elif shape == 1:
        draw.rounded_rectangle(box, radius=min(width, height) // 6, fill=main)
    elif shape == 2:
        draw.polygon(
            [(width // 2, margin), (width - margin, height - margin), (margin, height - margin)],
            fill=main,
        )
    else:
        draw.regular_polygon(
            (width // 2, height // 2, min(width, height) // 2 - margin), 6, fill=main
        )
    # An accent: a bar, a dot or a ring inside the shape.
    cx, cy, r = width // 2, height // 2, min(width, height) // 6
    accent_kind = rng.randrange(3)
    if accent_kind == 0:
        draw.rectangle((cx - r, cy - r // 3, cx + r, cy + r // 3), fill=accent)
    elif accent_kind == 1:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=accent)
    else:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=accent, width=max(3, r // 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def logo_pool(seed: int) -> tuple[list[bytes], bytes]:
    """``LOGO_POOL`` valid logos and one of a size the OIN refuses."""
    rng = random.Random(f"logos:{seed}")
    pool = [draw_logo(rng, LOGO_SIZES[i % len(LOGO_SIZES)]) for i in range(LOGO_POOL)]
    return pool, draw_logo(rng, WRONG_LOGO_SIZE)


# --- choosing the submissions ----------------------------------------------------------------


def slugify(name: str) -> str:
    return "-".join(name.lower().split())


def plan(n: int, seed: int) -> list[Spec]:
    """Every submission's identity and draws, in the order they are added to the history."""
    rng = random.Random(f"plan:{seed}")
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        name = rng.choice(PREFIXES) + rng.choice(SUFFIXES) + rng.choice(PRODUCTS)
        key = "".join(ch for ch in name.lower() if ch.isalnum())
        if key not in seen:
            seen.add(key)
            names.append(name)
    weights = [weight for _, weight in MIXES]
    mixes = [mix for mix, _ in MIXES]
    specs = [
        Spec(
            index=i,
            slug=slugify(name),
            name=name,
            protocols=rng.choices(mixes, weights)[0],
            logo=rng.randrange(LOGO_POOL),
            industry=rng.choice(INDUSTRIES),
            rng_seed=rng.getrandbits(64),
            batch=0,
        )
        for i, name in enumerate(names)
    ]
    # Batches: the first 40 % in the first commit, and so on.
    start = 0
    for batch, share in enumerate(BATCH_SHARES):
        end = n if batch == len(BATCH_SHARES) - 1 else start + round(n * share)
        for spec in specs[start:end]:
            spec.batch = batch
        start = end
    # Planted findings: about 5 %, at least one of each kind from N = 20 on (none for N < 5).
    planted = max(round(n * 0.05), min(len(PLANTED_KINDS), n // 5))
    for number, spec in enumerate(rng.sample(specs, planted)):
        spec.planted = PLANTED_KINDS[number % len(PLANTED_KINDS)]
    # Updates: a few submissions of the earlier batches change in each update round.
    for round_ in range(len(UPDATE_DATES)):
        candidates = [s for s in specs if s.batch <= round_ + 1]
        for spec in rng.sample(candidates, min(len(candidates), round(n * UPDATE_SHARE))):
            spec.updates = (*spec.updates, round_)
    return specs


def changed_slug(specs: list[Spec]) -> str:
    """The folder the --changed commit edits: the first clean one by slug."""
    return min(s.slug for s in specs if s.planted is None)


# --- rendering the files ---------------------------------------------------------------------


def wrap(text: str, indent: int) -> str:
    return textwrap.fill(
        text,
        96 - indent,
        initial_indent=" " * indent,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def render(spec: Spec, revision: int, key: PublicKey, seed: int) -> dict[str, str | bytes]:
    """The files of one submission folder (YAML as text, evidence as text), at a revision:
    0 as first added, then one more per update (the description and instructions grow)."""
    rng = random.Random(spec.rng_seed)
    slug, name = spec.slug, spec.name
    domain = f"{slug}.example"
    _, what, doing = spec.industry
    protocols = spec.protocols
    sso = "saml" in protocols or "oidc" in protocols
    scim = "scim" in protocols
    variable = sso or scim
    variable = variable and rng.random() < 0.85  # some vendors need no per-customer value
    login = slug.replace("-", "")[:30]
    files: dict[str, str | bytes] = {}

    # What the Okta integration does, for the description.
    does = []
    if "saml" in protocols:
        does.append("gives users single sign-on with SAML from the Okta End-User Dashboard")
    if "oidc" in protocols:
        does.append(
            "gives users single sign-on with OpenID Connect from the Okta dashboard or the sign-in page"
        )
    if scim:
        does.append(
            "provisions, updates and deactivates accounts with SCIM, so people who leave lose access at once"
        )
    if "workflows" in protocols:
        does.append(
            "adds an Okta Workflows connector with cards to create, update and suspend users and react to events"
        )
    if "api-service" in protocols:
        does.append(
            "connects to the Okta org as an API service integration that reads users, groups and the System Log"
        )
    words = rng.sample(WORDS, 3)
    description = (
        f"{name} is {what} where {doing}. The Okta integration {' and '.join(does)}. "
        f"Admins manage {words[0]}s, {words[1]}s and {words[2]}s in one place."
    )
    for number in range(revision):
        description += (
            f" Since version {number + 2}, {name} also syncs {rng.choice(WORDS)} settings."
        )

    use_cases = rng.sample(USE_CASES, rng.randrange(1, 3))
    if spec.planted == "http-url":
        website = f"http://{domain}/okta"
    else:
        website = f"https://{domain}/integrations/okta"

    tenant = ""
    if variable:
        tenant = (
            "\n# Each customer types their subdomain (acme in acme."
            f"{domain}) when adding the app.\n"
            f"tenant_settings:\n  - label: {name} subdomain\n    name: subdomain\n"
        )
    contacts = [f"    - email: support@{domain}", f"    - url: https://help.{domain}/okta"]
    if rng.random() < 0.4:
        contacts.append(
            f'    - phone: "+1 {rng.randrange(200, 999)} 555 {rng.randrange(1000, 9999):04d}"'
        )
    rng.shuffle(contacts)
    password = deterministic_seal(
        f"Bench-{rng.getrandbits(64):016x}",
        key,
        f"{seed}:{slug}:password",
        secrets.Place.at(slug, "submission.yaml", "test_account.password"),
    )
    instructions = [
        f'The test account is an administrator of the {name} workspace "oin-review".',
        f"Sign in at https://app.{domain}/login and open Admin > Security > Single sign-on.",
    ]
    if scim:
        instructions.append(
            f"SCIM: the base URL for the workspace is https://oin-review.{domain}/scim/v2; "
            "create a SCIM token under Admin > Integrations > Okta provisioning."
        )
    if "workflows" in protocols:
        instructions.append(
            f"Import evidence/{slug}-tests.flopack and run the flow 'Run all connector tests'."
        )
    if revision:
        instructions.append(f"Updated instructions, revision {revision}.")
    if spec.planted == "todo":
        instructions = ["TODO: how reviewers test the integration"]
    instructions_text = "\n".join(wrap(line, 4) for line in instructions)
    escalation = rng.choice(("oin-escalations", "okta-partners", "partner-oncall"))

    files["submission.yaml"] = (
        "# yaml-language-server: $schema=../../schemas/submission.schema.json\n"
        f"# {name}: {', '.join(p.upper() for p in protocols)} submission.\n"
        "schema_version: 1\n\n"
        "app:\n"
        f"  name: {name}\n"
        f"  website: {website}\n"
        "  description: >-\n"
        f"{wrap(description, 4)}\n"
        f"  use_cases: [{', '.join(use_cases)}]\n"
        "  logo: logo.png\n"
        f"{tenant}\n"
        "support:\n"
        "  contacts:           # public: shown on the catalog page\n" + "\n".join(contacts) + "\n"
        "  # Private: a monitored distribution list for Okta's escalations.\n"
        f"  escalation: {escalation}@{domain}\n\n"
        "# Private: visible in this repository, never published in the catalog.\n"
        "test_account:\n"
        f"  url: https://app.{domain}/login\n"
        "  username: isvtest@okta.com\n"
        f'  password: "{password}"\n'
        "  instructions: |-\n"
        f"{instructions_text}\n\n"
        "owners:\n"
        f"  okta_org: https://{login}.okta.com\n"
        f"  github: [{login}-dev, {login}/oin-team]\n\n"
        "attestations:\n"
        "  multi_tenant: true\n"
    )

    host_saml = f"${{org.subdomain}}.{domain}" if variable else f"sso.{domain}"
    host_oidc = f"{{app.subdomain}}.{domain}" if variable else f"app.{domain}"
    if "saml" in protocols:
        flows = rng.choice((["idp"], ["idp", "sp"], ["sp", "idp"]))
        attributes = "".join(
            f"  - name: {attr}\n    values: [user.{attr}]\n"
            for attr in rng.sample(["email", "firstName", "lastName", "login", "department"], 3)
        )
        text = (
            "# yaml-language-server: $schema=../../schemas/saml.schema.json\n"
            "# SAML 2.0 single sign-on.\n\n"
            f"acs_url: https://{host_saml}/saml/acs\n"
            f"audience: https://{host_saml}/saml/metadata\n\n"
            f"attribute_statements:\n{attributes}\n"
        )
        if rng.random() < 0.4:
            text += (
                "group_attribute_statements:\n"
                f"  - name: groups\n    filter: starts_with\n    value: {name.split()[0]}\n\n"
            )
        text += f"config_guide_url: https://docs.{domain}/okta/saml-configuration-guide\n\n"
        text += f"sign_in_flows: [{', '.join(flows)}]\njit: {str(rng.random() < 0.6).lower()}\n"
        if "sp" in flows:
            text += (
                f"sp_initiate_url: https://{host_saml}/login\n"
                "sp_initiate_description: >-\n"
                f"{wrap(f'Open the {name} sign-in page, enter your work e-mail address and click Continue with Okta.', 2)}\n"
            )
        files["saml.yaml"] = text

    if "oidc" in protocols:
        idp = rng.random() < 0.5
        text = (
            "# yaml-language-server: $schema=../../schemas/oidc.schema.json\n"
            "# OpenID Connect single sign-on (web app, authorization code flow).\n\n"
            "app_type: web\n"
            "redirect_uris:\n"
            f"  - https://{host_oidc}/auth/okta/callback\n"
        )
        if idp:
            text += f"initiate_login_uri: https://{host_oidc}/auth/okta/initiate\n"
        text += (
            f"post_logout_redirect_uris:\n  - https://{host_oidc}/signed-out\n\n"
            f"config_guide_url: https://docs.{domain}/okta/oidc-configuration-guide\n\n"
            f"sign_in_flows: [{'sp, idp' if idp else 'sp'}]\n"
            f"jit: {str(rng.random() < 0.7).lower()}\n"
            f"sp_initiate_url: https://{host_oidc}/signin\n"
            f"scopes: [openid, profile, email{', phone' if rng.random() < 0.1 else ''}]\n"
        )
        files["oidc.yaml"] = text

    if scim:
        groups = rng.random() < 0.6
        mode = rng.choice(("bearer", "bearer", "header", "oauth2"))
        token_field = "auth.oauth2.client_secret" if mode == "oauth2" else "auth.api_token"
        token = deterministic_seal(
            f"scim-{rng.getrandbits(96):024x}",
            key,
            f"{seed}:{slug}:scim",
            secrets.Place.at(slug, "scim.yaml", token_field),
        )
        if mode == "oauth2":
            auth = (
                "auth:\n  mode: oauth2\n  oauth2:\n"
                f"    authorize_endpoint: https://auth.{domain}/oauth/authorize\n"
                f"    token_endpoint: https://auth.{domain}/oauth/token\n"
                f"    client_id: okta-oin-{rng.getrandbits(24):06x}\n"
                f'    client_secret: "{token}"\n'
                "    scopes: [scim.read, scim.write]\n"
            )
        else:
            auth = (
                f"auth:\n  mode: {mode}\n"
                "  # A token for the review workspace, sealed with 'oin-gitops seal'.\n"
                f'  api_token: "{token}"\n'
            )
        base = (
            f"\"'https://' + app.subdomain + '.{domain}/scim/v2'\""
            if variable
            else f"https://api.{domain}/scim/v2"
        )
        radar = f"{rng.getrandbits(40):010x}"
        text = (
            "# yaml-language-server: $schema=../../schemas/scim.schema.json\n"
            "# SCIM 2.0 provisioning.\n\n"
            f"{auth}\n"
            f"base_url: {base}\n\n"
            f"objects: [users{', groups' if groups else ''}]\n"
            "user_operations: [create, read, update, deactivate"
            f"{', patch' if rng.random() < 0.5 else ''}]\n"
        )
        if groups:
            text += "group_operations: [create, read, update, delete]\n"
        text += (
            f"\nconfig_guide_url: https://docs.{domain}/okta/scim-provisioning-guide\n\n"
            "# Private: links to the Runscope results of Okta's SCIM test suites.\n"
            "tests:\n"
            f"  runscope_spec_url: https://www.runscope.com/radar/{radar}/{uuid.UUID(int=rng.getrandbits(128))}/history/{uuid.UUID(int=rng.getrandbits(128))}\n"
            f"  runscope_crud_url: https://www.runscope.com/radar/{radar}/{uuid.UUID(int=rng.getrandbits(128))}/history/{uuid.UUID(int=rng.getrandbits(128))}\n"
            "  manual_test_plan_passed: true\n"
        )
        files["scim.yaml"] = text

    if "workflows" in protocols:
        connector = name.split()[0]
        files["workflows.yaml"] = (
            "# yaml-language-server: $schema=../../schemas/workflows.schema.json\n"
            "# Okta Workflows connector built in the Connector Builder.\n\n"
            f"connector: {connector}\n"
            f"version: 1.{rng.randrange(10)}.{revision}\n"
            "# Private: the exported test flows, kept in this folder's evidence/ directory.\n"
            f"test_suite: evidence/{slug}-tests.flopack\n"
            f"user_doc_url: https://docs.{domain}/okta/workflows-connector\n"
            f"api_doc_url: https://developers.{domain}/api/v2\n"
        )
        files[f"evidence/{slug}-tests.flopack"] = flopack(rng, connector)

    if "api-service" in protocols:
        scopes = rng.choice(API_SCOPES)
        files["api-service.yaml"] = (
            "# yaml-language-server: $schema=../../schemas/api-service.schema.json\n"
            "# API service integration with the client credentials grant.\n\n"
            "scopes:\n"
            + "".join(f"  - {scope}\n" for scope in scopes)
            + "\nscope_justification: >-\n"
            + wrap(
                f"{name} reads {', '.join(scopes)} to import the directory and events it "
                "analyses; it never changes users, groups, apps or policies it does not need.",
                2,
            )
            + f"\n\nconfig_guide_url: https://docs.{domain}/integrations/okta-api-service\n"
        )

    if spec.planted == "missing-key":
        protocol_file = f"{protocols[0]}.yaml"
        files[protocol_file] = "".join(
            line
            for line in str(files[protocol_file]).splitlines(keepends=True)
            if not line.startswith("config_guide_url:")
        )
    return files


def flopack(rng: random.Random, connector: str) -> str:
    """A small Workflows export: {"type": "flopack", "version": "1.5.0", "data": {"flos": ...}}."""
    flos = {}
    for number in range(rng.randrange(2, 5)):
        flo_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        action = rng.choice(
            ("Create User", "Read User", "Update User", "Suspend User", "List Groups")
        )
        flos[flo_id] = {
            "id": flo_id,
            "name": f"Test {connector} {action}" if number else "Run all connector tests",
            "description": f"Calls the {connector} card '{action}' with the test account.",
            "data": {
                "uuid": flo_id,
                "display": {"eventConnecterName": "Helper Flow", "isCallable": True},
                "methods": [
                    {
                        "uuid": f"{rng.getrandbits(40):010x}",
                        "address": f"root:kernel:{connector.lower()}:1.0.0:{action.lower().replace(' ', '_')}",
                        "node": {"key": action.lower().replace(" ", "_"), "data": {"name": action}},
                    }
                ],
            },
        }
    document = {
        "type": "flopack",
        "version": "1.5.0",
        "created": "2024-01-01T00:00:00.000Z",
        "flags": {"auto-transform": True},
        "data": {"flos": flos},
    }
    return json.dumps(document, indent=2) + "\n"


# --- the repository --------------------------------------------------------------------------


def git_env(date: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_") and key not in ("HOME", "XDG_CONFIG_HOME")
    }
    env.update(
        GIT_AUTHOR_NAME="OIN Bench",
        GIT_AUTHOR_EMAIL="bench@oin-gitops.invalid",
        GIT_COMMITTER_NAME="OIN Bench",
        GIT_COMMITTER_EMAIL="bench@oin-gitops.invalid",
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    return env


def git(repo: Path, *args: str, date: str = BATCH_DATES[0]) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        env=git_env(date),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def commit_all(repo: Path, message: str, date: str) -> None:
    git(repo, "add", "-A", date=date)
    git(repo, "commit", "--quiet", "--no-verify", "-m", message, date=date)


def write_folder(repo: Path, slug: str, files: dict[str, str | bytes]) -> None:
    folder = repo / "submissions" / slug
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")


def config_yaml(key: PublicKey) -> str:
    return (
        "# yaml-language-server: $schema=schemas/config.schema.json\n"
        "# Configuration of this generated benchmark repository (see benchmarks/generate.py).\n"
        "reviewers:\n"
        "  initial: [oin-rev-ana]\n"
        "  qa: [oin-qa-ben]\n"
        "maintainers: [oin-admin]\n"
        "# The reviewers' X25519 public key: test-account passwords are sealed to it.\n"
        f'public_key: "{secrets.b64(bytes(key))}"\n'
        "limits:\n"
        "  open_submissions_per_org: 10\n"
        "# The generated vendors are fictional, at <slug>.example.\n"
        "reserved_domains:\n"
        "  allow: [example]\n"
        "catalog:\n"
        "  title: Okta Integration Network (benchmark)\n"
        "  base_url: /oin-catalog/\n"
    )


def manifest(n: int, seed: int, specs: list[Spec]) -> dict[str, object]:
    mixes: dict[str, int] = {}
    for spec in specs:
        label = "+".join(spec.protocols)
        mixes[label] = mixes.get(label, 0) + 1
    return {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "protocols": dict(sorted(mixes.items())),
        "planted": {s.slug: s.planted for s in sorted(specs, key=lambda s: s.slug) if s.planted},
        "changed": changed_slug(specs) if specs else None,
        "change_branch": CHANGE_BRANCH,
        "base_branch": BASE_BRANCH,
    }


def read_manifest(repo: Path) -> dict[str, object] | None:
    try:
        return json.loads((repo / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def generate(n: int, repo: Path, seed: int = 0) -> dict[str, object]:
    """Write the repository of ``n`` submissions into ``repo`` (absent or empty) and commit it."""
    if n < 1:
        raise ValueError("N must be at least 1")
    if repo.exists() and any(repo.iterdir()):
        raise FileExistsError(f"{repo} is not empty")
    repo.mkdir(parents=True, exist_ok=True)
    private = repository_key(seed)
    key = private.public_key
    specs = plan(n, seed)
    logos, wrong_logo = logo_pool(seed)
    info = manifest(n, seed, specs)

    git(repo, "init", "--quiet", f"--initial-branch={BASE_BRANCH}")
    for setting, value in (
        ("gc.auto", "0"),
        ("core.autocrlf", "false"),
        ("commit.gpgsign", "false"),
    ):
        git(repo, "config", setting, value)
    (repo / ".oin-gitops.yaml").write_text(config_yaml(key), encoding="utf-8")
    (repo / MANIFEST).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    (repo / "README.md").write_text(
        f"# OIN submissions (benchmark)\n\nGenerated by benchmarks/generate.py: N={n}, seed={seed}.\n",
        encoding="utf-8",
    )

    def write(spec: Spec, revision: int) -> None:
        files = render(spec, revision, key, seed)
        if revision == 0:
            files["logo.png"] = wrong_logo if spec.planted == "logo-size" else logos[spec.logo]
        write_folder(repo, spec.slug, files)

    for batch, date in enumerate(BATCH_DATES):
        members = [s for s in specs if s.batch == batch]
        for spec in members:
            write(spec, 0)
        if members or batch == 0:
            commit_all(repo, f"Add {len(members)} submissions (batch {batch + 1})", date)
    for round_, date in enumerate(UPDATE_DATES):
        members = [s for s in specs if round_ in s.updates]
        for spec in members:
            write(spec, 1 + spec.updates.index(round_))
        if members:
            commit_all(repo, f"Update {len(members)} submissions", date)
    # Pack the objects, as a clone would have them (tens of thousands of loose objects would
    # slow down every git command the linter and the catalog run).
    git(repo, "repack", "-a", "-d", "-q")
    return info


def add_change(repo: Path) -> str:
    """Commit one edit of one clean submission folder on the branch ``change`` and check it
    out; returns the slug. Does nothing but the checkout when the branch already exists."""
    info = read_manifest(repo)
    if info is None:
        raise FileNotFoundError(f"{repo} holds no {MANIFEST}: not a generated repository")
    slug = str(info["changed"])
    branches = git(repo, "branch", "--list", CHANGE_BRANCH)
    if branches.strip():
        git(repo, "checkout", "--quiet", CHANGE_BRANCH)
        return slug
    git(repo, "checkout", "--quiet", "-b", CHANGE_BRANCH, BASE_BRANCH)
    path = repo / "submissions" / slug / "submission.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  use_cases:"
    addition = "    This pull request updates the description for the new release.\n"
    path.write_text(text.replace(marker, addition + marker, 1), encoding="utf-8", newline="\n")
    commit_all(repo, f"Update {slug}: description", CHANGE_DATE)
    return slug


def ensure(
    n: int, repo: Path, seed: int = 0, changed: bool = False
) -> tuple[dict[str, object], bool]:
    """Generate the repository, or reuse it when ``repo`` already holds the same one; returns
    the manifest and whether it was reused."""
    info = read_manifest(repo) if repo.exists() else None
    reused = bool(
        info
        and info.get("generator_version") == GENERATOR_VERSION
        and info.get("n") == n
        and info.get("seed") == seed
        and (repo / ".git").is_dir()
    )
    if not reused:
        if repo.exists() and info is not None and "generator_version" in info:
            shutil.rmtree(repo)  # an older generated repository: replace it
        info = generate(n, repo, seed)
    if changed:
        add_change(repo)
    elif reused:
        git(repo, "checkout", "--quiet", BASE_BRANCH)
    assert info is not None
    return info, reused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of submissions")
    parser.add_argument("dir", type=Path, help="the repository folder (absent or empty)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--changed",
        action="store_true",
        help=f"then commit one changed submission folder on the branch '{CHANGE_BRANCH}'",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        info, reused = ensure(args.n, args.dir, args.seed, args.changed)
    except (FileExistsError, ValueError, RuntimeError) as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    verb = "reused" if reused else "generated"
    print(
        f"{verb} {args.dir}: {args.n} submissions, {len(info['planted'])} with planted findings, "  # type: ignore[arg-type]
        f"in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
