"""OIDC rules, one table per rule: files of a submission → findings of that rule."""

from __future__ import annotations

import pytest

from tests.conftest import Found
from tests.rules.test_variables import Files, cases, general, lint, oidc, saml

OD, G, S = "oidc.yaml", "submission.yaml", "saml.yaml"
WITH_OIDC: Files = {OD: oidc()}


def wildcard(field: str, token: str, kind: str = "redirect URIs") -> str:
    return f"'{field}' uses a wildcard ({token}), which Okta does not accept in {kind}"


OIDC_URI_WILDCARD = [
    ("exact-uris", {OD: oidc(redirect_uris="[https://rooms.acme.example/cb, https://eu.rooms.acme.example/cb]")}, []),
    ("tenant-setting", {OD: oidc(redirect_uris="['https://{app.subdomain}.rooms.acme.example/cb']")}, []),
    ("wildcard-host", {OD: oidc(redirect_uris="['https://*.rooms.example.com/cb']")}, [(OD, 2, 17, wildcard("redirect_uris[0]", "*"))]),
    ("wildcard-path", {OD: oidc(redirect_uris="[https://acme.example/cb, 'https://app.example.com/auth/*']")}, [(OD, 2, 42, wildcard("redirect_uris[1]", "*"))]),
    ("percent-encoded", {OD: oidc(redirect_uris="[https://app.example.com/auth/%2a]")}, [(OD, 2, 17, wildcard("redirect_uris[0]", "%2a"))]),
    ("beside-an-expression", {OD: oidc(redirect_uris="['https://{app.subdomain}.acme.example/*']")}, [(OD, 2, 17, wildcard("redirect_uris[0]", "*"))]),
    ("post-logout", {OD: oidc(post_logout_redirect_uris="['https://*.acme.example/bye']")}, [(OD, 7, 29, wildcard("post_logout_redirect_uris[0]", "*", "post-logout redirect URIs"))]),
    ("initiate-login", {OD: oidc(initiate_login_uri="'https://*.acme.example/login'", sign_in_flows="[sp, idp]")}, [(OD, 7, 21, wildcard("initiate_login_uri", "*", "initiate login URIs"))]),
    ("sp-initiate", {OD: oidc(sp_initiate_url="https://acme.example/%2A/login")}, [(OD, 6, 18, wildcard("sp_initiate_url", "%2A", "SP initiate URLs"))]),
    ("query-and-fragment", {OD: oidc(redirect_uris="['https://acme.example/cb?scope=*#*']")}, []),
    ("saml-not-checked", {S: saml(acs_url="https://*.acme.example/acs")}, []),
    ("placeholder", {OD: oidc(redirect_uris="['TODO https://*.acme.example/cb']")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(OIDC_URI_WILDCARD))
def test_oidc_uri_wildcard(files: Files, expected: list[Found]) -> None:
    assert lint("oidc-uri-wildcard", files) == expected


def custom(field: str, path: str) -> str:
    return (
        f"'{field}' points at a custom authorization server ({path}); OIN OIDC integrations "
        "must use the org authorization server"
    )


OIDC_ORG_AUTHORIZATION_SERVER = [
    ("org-server", {OD: oidc(redirect_uris="[https://acme.example/cb, https://acme.okta.com/oauth2/v1/authorize]")}, []),
    ("isv-oauth2-path", {OD: oidc(redirect_uris="[https://acme.example/oauth2/okta/callback, https://acme.example/oauth2/callback]")}, []),
    ("default", {OD: oidc(redirect_uris="[https://acme.okta.com/oauth2/default/v1/authorize]")}, [(OD, 2, 17, custom("redirect_uris[0]", "/oauth2/default"))]),
    ("default-issuer", {OD: oidc(initiate_login_uri="https://acme.example/login?iss=https://acme.okta.com/oauth2/default", sign_in_flows="[sp, idp]")}, [(OD, 7, 21, custom("initiate_login_uri", "/oauth2/default"))]),
    ("server-id", {OD: oidc(sp_initiate_url="https://acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9")}, [(OD, 6, 18, custom("sp_initiate_url", "/oauth2/aus1a2b3c4d5e6f7g8h9"))]),
    ("named-server-endpoint", {OD: oidc(post_logout_redirect_uris="['https://{app.subdomain}.okta.com/oauth2/notes/v1/logout']")}, [(OD, 7, 29, custom("post_logout_redirect_uris[0]", "/oauth2/notes/v1"))]),
    ("default-prefix-of-a-word", {OD: oidc(sp_initiate_url="https://acme.example/oauth2/default-login/start")}, []),
    ("only-oidc-yaml", {G: general(instructions="Use https://acme.okta.com/oauth2/default/v1/authorize"), **WITH_OIDC}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(OIDC_ORG_AUTHORIZATION_SERVER))
def test_oidc_org_authorization_server(files: Files, expected: list[Found]) -> None:
    assert lint("oidc-org-authorization-server", files) == expected


def mentions_server(field: str, path: str) -> str:
    return (
        f"'{field}' mentions a custom authorization server ({path}), which OIN OIDC "
        "integrations cannot use"
    )


OIDC_AUTHORIZATION_SERVER_TEXT = [
    ("org-server", {G: general(instructions="Authorize at https://{yourOktaDomain}/oauth2/v1/authorize"), **WITH_OIDC}, []),
    ("instructions", {G: general(instructions="Authorize at https://{yourOktaDomain}/oauth2/default/v1/authorize"), **WITH_OIDC}, [(G, 18, 17, mentions_server("test_account.instructions", "/oauth2/default"))]),
    ("description", {G: general(description="Works with /oauth2/ausABCDEFGHIJ0123456 servers."), **WITH_OIDC}, [(G, 6, 16, mentions_server("app.description", "/oauth2/ausABCDEFGHIJ0123456"))]),
    ("saml-only-submission", {G: general(instructions="Authorize at https://x.okta.com/oauth2/default/v1/authorize")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(OIDC_AUTHORIZATION_SERVER_TEXT))
def test_oidc_authorization_server_text(files: Files, expected: list[Found]) -> None:
    assert lint("oidc-authorization-server-text", files) == expected


OFFLINE = "the offline_access scope, which OIN OIDC integrations cannot request"
REFRESH = "refresh tokens, which OIN OIDC integrations do not get"
GROUPS = "a groups scope, but OIN OIDC integrations may request only openid, profile, email, address and phone"
IMPLICIT = "the implicit flow, but OIN OIDC integrations use the authorization code flow"
INSTRUCTIONS = "'test_account.instructions' mentions "

OIDC_SCOPE_TEXT = [
    ("standard-scopes", {G: general(instructions="The app requests openid, profile and email; Okta groups become teams."), **WITH_OIDC}, []),
    ("offline-access", {G: general(instructions="The app requests offline_access to stay signed in."), **WITH_OIDC}, [(G, 18, 17, INSTRUCTIONS + OFFLINE)]),
    ("refresh-token", {G: general(instructions="Sessions renew with grant_type=refresh_token."), **WITH_OIDC}, [(G, 18, 17, INSTRUCTIONS + REFRESH)]),
    ("groups-scope", {G: general(instructions="Request the scopes openid email groups."), **WITH_OIDC}, [(G, 18, 17, INSTRUCTIONS + GROUPS)]),
    ("groups-scope-after", {G: general(description="Roles come from the groups scope of Okta."), **WITH_OIDC}, [(G, 6, 16, "'app.description' mentions " + GROUPS)]),
    ("implicit", {G: general(instructions="Sign in uses the implicit flow."), **WITH_OIDC}, [(G, 18, 17, INSTRUCTIONS + IMPLICIT)]),
    ("two-in-one-field", {G: general(instructions="Uses offline_access and response_type=token."), **WITH_OIDC}, [(G, 18, 17, INSTRUCTIONS + IMPLICIT), (G, 18, 17, INSTRUCTIONS + OFFLINE)]),
    ("sp-initiate-description", {S: saml(sign_in_flows="[sp]", sp_initiate_url="https://acme.example/login", sp_initiate_description="'Sign in; the app keeps a refresh_token.'"), **WITH_OIDC}, [(S, 8, 26, "'sp_initiate_description' mentions " + REFRESH)]),
    ("saml-only-submission", {G: general(instructions="The app requests offline_access.")}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(OIDC_SCOPE_TEXT))
def test_oidc_scope_text(files: Files, expected: list[Found]) -> None:
    assert lint("oidc-scope-text", files) == expected


def email_verified(field: str) -> str:
    return (
        f"'{field}' mentions the email_verified claim, which OIN OIDC integrations must not rely on"
    )


OIDC_EMAIL_VERIFIED = [
    ("sub-claim", {G: general(instructions="Users are matched by the sub claim."), **WITH_OIDC}, []),
    ("instructions", {G: general(instructions="Users are matched by e-mail when email_verified is true."), **WITH_OIDC}, [(G, 18, 17, email_verified("test_account.instructions"))]),
    ("sp-initiate-description", {S: saml(sign_in_flows="[sp]", sp_initiate_url="https://acme.example/login", sp_initiate_description="Checks EMAIL_VERIFIED first."), **WITH_OIDC}, [(S, 8, 26, email_verified("sp_initiate_description"))]),
    ("saml-only-submission", {G: general(instructions="Needs email_verified.")}, []),
    ("placeholder", {G: general(instructions="TODO email_verified"), **WITH_OIDC}, []),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), cases(OIDC_EMAIL_VERIFIED))
def test_oidc_email_verified(files: Files, expected: list[Found]) -> None:
    assert lint("oidc-email-verified", files) == expected
