"""Rules comparing an update with the published version of its submission.

An update is a folder the change touches that exists in both the base tree (the version the
change is compared with: the merge base for ``lint --changed-since``, the base branch for the
review bot) and the head (what is linted). Customers already run the published version, so
some of its choices may not change. Without a base (plain ``lint``) these rules do not run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, timedelta

from oin_gitops.changes import ChangeContext
from oin_gitops.diagnostics import Severity
from oin_gitops.rules.base import Finding, Rule, change_rule
from oin_gitops.rules.expressions import SCIM, Expression, Reference, expressions
from oin_gitops.rules.variables import declared, settings
from oin_gitops.submission import Submission, load_submission

LEGACY_SETTINGS = 8  # VAR-03: more than this many tenant settings only in a migrated legacy app
TEST_ACCOUNT_LIFETIME = timedelta(days=30)  # TEST-04: Okta deletes test credentials after this
TEST_ACCOUNT_FIELDS = ("url", "username", "password", "instructions")


def updates(context: ChangeContext) -> Iterator[tuple[Submission, Submission]]:
    """(published, updated) for every updated folder of the change."""
    base = context.base
    if base is None:
        return
    for slug in context.updated:
        published, _ = load_submission(base, slug, context.config)
        updated, _ = load_submission(context.head, slug, context.config)
        yield published, updated


def _setting_finding(submission: Submission, name: str, message: str) -> Finding:
    """A finding at the name of the head's tenant setting ``name``."""
    assert submission.general is not None
    index = next(index for index, found, _ in settings(submission) if found == name)
    line, column = submission.general.position(("tenant_settings", index, "name"))
    return Finding(submission.general.path, message, line, column)


def _new_settings(published: Submission, updated: Submission) -> tuple[set[str], list[str]]:
    """(the published names, the updated version's new names in file order); both empty when
    either list cannot be read whole."""
    before, after = declared(published), declared(updated)
    if before is None or after is None:
        return set(), []
    new = [name for _, name, _ in settings(updated) if name not in before]
    return before, list(dict.fromkeys(new))


def _auth_mode(submission: Submission) -> object:
    document = submission.documents.get(SCIM)
    auth = document.data.get("auth") if document is not None else None
    return auth.get("mode") if isinstance(auth, dict) else None


@change_rule(
    id="scim-basic-auth-kept",
    summary="An update keeps a published SCIM integration's Basic authentication.",
    guideline="SCIM-11",
    help=(
        "Set 'auth.mode' back to 'basic' in this update, and submit the new authentication as "
        "a new SCIM integration."
    ),
)
def scim_basic_auth_kept(context: ChangeContext) -> Iterator[Finding]:
    """A legacy SCIM integration published with Basic authentication keeps it: Okta cannot move
    its customers' instances to another mode, so a new authentication is a new integration.

    Passes: an update of a published ``auth: {mode: basic}`` scim.yaml that keeps
    ``mode: basic``, or any update of a ``mode: bearer`` one.
    Fails: an update that changes a published ``mode: basic`` to ``mode: bearer``.
    """
    for published, updated in updates(context):
        mode = _auth_mode(updated)
        document = updated.documents.get(SCIM)
        if _auth_mode(published) != "basic" or document is None or mode == "basic":
            continue
        line, column = document.position(("auth", "mode"))
        yield Finding(
            document.path,
            f"'auth.mode' is '{mode}', but the published version uses 'basic': an update "
            "cannot change the published SCIM authentication from Basic; submit a new SCIM "
            "integration instead",
            line,
            column,
        )


@change_rule(
    id="scim-import-migrated",
    summary="An update of a migrated SCIM integration declares the group import Okta turns on.",
    severity=Severity.WARNING,
    guideline="SCIM-12",
    help=(
        "Make your SCIM server answer GET /Groups, add 'groups' to 'objects' with at least "
        "'read' in 'group_operations', and test importing users and groups before you submit."
    ),
)
def scim_import_migrated(context: ChangeContext) -> Iterator[Finding]:
    """When a SCIM integration migrated into the OIN Wizard is updated, Okta turns on Import
    Users and Import Groups, which it may not have offered: both must be supported and tested.
    An integration is migrated when its published ``submission.yaml`` names
    ``app.existing_oin_app`` (the app already in the OIN that the folder brought in). Import
    Users is declared by ``read`` in ``user_operations``, which the schema requires; Import
    Groups by ``groups`` in ``objects`` (with ``read`` in ``group_operations``), so an update
    whose ``scim.yaml`` leaves ``groups`` out is warned.

    Passes: an update of a migrated integration with ``objects: [users, groups]``, or any
    update of an integration whose published version has no ``existing_oin_app``.
    Fails: an update of a migrated integration with ``objects: [users]``.
    """
    for published, updated in updates(context):
        document = updated.documents.get(SCIM)
        objects = document.data.get("objects") if document is not None else None
        migrated = published.app_field("existing_oin_app")
        if document is None or SCIM not in published.documents or not isinstance(objects, list):
            continue
        if not isinstance(migrated, str) or not migrated or "groups" in objects:
            continue
        line, column = document.position(("objects",))
        yield Finding(
            document.path,
            "'objects' does not list 'groups', but the published version names "
            "'app.existing_oin_app': updating a migrated SCIM integration turns on Import Users "
            "and Import Groups, so your SCIM server must support reading groups and importing "
            "both must be tested",
            line,
            column,
        )


@change_rule(
    id="tenant-settings-count-kept",
    summary="A legacy integration with more than 8 tenant settings adds no new one.",
    guideline="VAR-03",
    help=(
        "Remove the new tenant setting, or reuse a published one; a migrated integration may "
        "keep more than 8 tenant settings but not add to them."
    ),
)
def tenant_settings_count_kept(context: ChangeContext) -> Iterator[Finding]:
    """New integrations have at most 8 tenant settings; a migrated legacy integration may keep
    the more it was published with, but an update may not add any.

    Passes: an update of a published version with 9 tenant settings that keeps the same names.
    Fails: the same update with a tenant setting named ``region`` that was not published.
    """
    for published, updated in updates(context):
        before, new = _new_settings(published, updated)
        if len(before) <= LEGACY_SETTINGS:
            continue
        for name in new:
            yield _setting_finding(
                updated,
                name,
                f"the tenant setting '{name}' is new, but the published version already has "
                f"{len(before)} tenant settings (more than {LEGACY_SETTINGS}); an update "
                "may not add one",
            )


def _guarded(expression: Expression, ref: Reference) -> bool:
    """Whether the expression tests ``ref`` for an empty value before using it."""
    name = re.escape(str(ref))
    guard = rf"(?:\bempty\s+{name}|String\.len\(\s*{name}\s*\)\s*==\s*0)\s*\?"
    return re.search(guard, expression.code) is not None


@change_rule(
    id="tenant-setting-guarded",
    summary="A tenant setting new in an update is guarded for an empty value where it is used.",
    severity=Severity.WARNING,
    guideline="VAR-08",
    help=(
        "Test the new tenant setting for an empty value in the same expression, e.g. "
        "${empty org.region ? 'us' : org.region} in SAML or "
        "String.len(app.region) == 0 ? 'us' : app.region in OIDC and SCIM."
    ),
)
def tenant_setting_guarded(context: ChangeContext) -> Iterator[Finding]:
    """Customers who installed the published version have no value for a tenant setting added
    by an update, so an expression using it builds a broken URL for them until an admin fills
    it in. Guard it: ``empty org.x ?`` (SAML) or ``String.len(app.x) == 0 ?`` (OIDC, SCIM).

    Passes: an update adding ``region`` and
    ``acs_url: https://${empty org.region ? 'us' : org.region}.acme.example/acs``.
    Fails: the same update with ``acs_url: https://${org.region}.acme.example/acs``.
    """
    for published, updated in updates(context):
        _, new = _new_settings(published, updated)
        for expression in expressions(updated):
            if expression.syntax:  # reported by expression-syntax
                continue
            for ref in expression.variables:
                if ref.name in new and not _guarded(expression, ref):
                    yield expression.finding(
                        f"'{expression.field}' uses {ref}, a tenant setting new in this update, "
                        "without testing it for an empty value; instances installed from the "
                        f"published version have no '{ref.name}'"
                    )


@change_rule(
    id="tenant-setting-renamed",
    summary="An update does not rename a published tenant setting.",
    guideline="VAR-08",
    help=(
        "Keep the published tenant setting's name (change its label instead), or keep it and "
        "add the new one beside it. A maintainer may turn this rule off in .oin-gitops.yaml "
        "for an acknowledged rename."
    ),
)
def tenant_setting_renamed(context: ChangeContext) -> Iterator[Finding]:
    """Renaming a tenant setting deletes the published one and creates another: every existing
    instance loses its value. An update that removes a published name and adds a new one is
    taken for a rename.

    Passes: an update that adds ``region`` and keeps ``subdomain``.
    Fails: an update that replaces ``subdomain`` with ``tenant``.
    """
    for published, updated in updates(context):
        before, new = _new_settings(published, updated)
        gone = sorted(before - (declared(updated) or set()))
        if not gone or not new:
            continue
        names = ", ".join(f"'{name}'" for name in gone)
        published_names = f"{names} is" if len(gone) == 1 else f"{names} are"
        for name in new:
            yield _setting_finding(
                updated,
                name,
                f"the tenant setting '{name}' is new while the published {published_names} gone: "
                "renaming a tenant setting deletes it, and its value, for every installed "
                "instance",
            )


def _test_account(submission: Submission) -> tuple[object, ...] | None:
    """The test account's fields, or None when the submission has no readable test account."""
    general = submission.general
    account = general.data.get("test_account") if general is not None else None
    if not isinstance(account, dict):
        return None
    return tuple(account.get(name) for name in TEST_ACCOUNT_FIELDS)


@change_rule(
    id="test-account-renewed",
    summary="An update more than 30 days after publication comes with a new test account.",
    severity=Severity.WARNING,
    guideline="TEST-04",
    help=(
        "Create a new test account in your application and update 'test_account' (url, "
        "username, a newly sealed password, instructions) in this update."
    ),
)
def test_account_renewed(context: ChangeContext) -> Iterator[Finding]:
    """Okta deletes a submission's test credentials 30 days after it is published, so an update
    submitted later needs a new test account. Runs only when the publication date is known
    (``lint --changed-since``: the first commit on the merge base that added the folder's
    submission.yaml).

    Passes: an update of a folder published 10 days ago, or of one published 60 days ago whose
    ``test_account.password`` is sealed anew.
    Fails: an update of a folder published 60 days ago that keeps the published
    ``test_account`` (url, username, password and instructions all the same).
    """
    if context.published_at is None:
        return
    for published, updated in updates(context):
        when = context.published_at(updated.slug)
        if when is None or when + TEST_ACCOUNT_LIFETIME >= context.now:
            continue
        account = _test_account(updated)
        if account is None or account != _test_account(published):
            continue
        assert updated.general is not None
        line, column = updated.general.position(("test_account",), key=True)
        day = when.astimezone(UTC).date().isoformat()
        yield Finding(
            updated.general.path,
            f"the test account was published on {day}, more than 30 days ago, and this update "
            "does not change it; Okta deletes test credentials 30 days after publication, so "
            "create a new test account and update 'test_account'",
            line,
            column,
        )


RULES: tuple[Rule, ...] = (
    scim_basic_auth_kept,
    scim_import_migrated,
    tenant_settings_count_kept,
    tenant_setting_guarded,
    tenant_setting_renamed,
    test_account_renewed,
)
