"""Words the catalog shows for the schemas' values: protocols, sign-in flows, SCIM features."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

PROTOCOL_NAMES = {
    "saml": "SAML",
    "oidc": "OpenID Connect",
    "scim": "SCIM",
    "workflows": "Workflows",
    "api-service": "API service",
}
PROTOCOL_TITLES = {
    "saml": "Single sign-on with SAML 2.0",
    "oidc": "Single sign-on with OpenID Connect",
    "scim": "Provisioning with SCIM 2.0",
    "workflows": "Okta Workflows connector",
    "api-service": "API service integration",
}
SIGN_IN_FLOWS = {
    "idp": "IdP-initiated: from the Okta End-User Dashboard",
    "sp": "SP-initiated: from the app's own sign-in page",
}
SIGN_IN_FLOW_NAMES = {"idp": "IdP-initiated", "sp": "SP-initiated"}
SCIM_OBJECTS = {"users": "Users", "groups": "Groups"}
USER_OPERATIONS = {
    "create": "Create users",
    "read": "Import users",
    "update": "Update user attributes",
    "change_password": "Push passwords",
    "deactivate": "Deactivate users",
    "patch": "Partial updates (PATCH)",
    "import_user_schema": "Import the user schema",
}
GROUP_OPERATIONS = {
    "create": "Push groups",
    "read": "Import groups",
    "update": "Update pushed groups",
    "delete": "Delete pushed groups",
}
SCIM_AUTH = {"header": "HTTP header", "bearer": "Bearer token", "oauth2": "OAuth 2.0"}
GUIDE_NAMES = {
    "config_guide_url": "{protocol} configuration guide",
    "user_doc_url": "Workflows connector user guide",
    "api_doc_url": "API documentation",
}
CONTACT_KINDS = {"email": "E-mail", "url": "Web", "phone": "Phone"}
_NOT_DIALABLE = re.compile(r"[^0-9+]")


def label(table: Mapping[str, str], value: object) -> str:
    """The words for ``value``, or the value itself when the table does not know it."""
    return table.get(value, str(value)) if isinstance(value, str) else str(value)


def guide_name(protocol: str, field: str) -> str:
    return GUIDE_NAMES.get(field, "{protocol} guide").format(
        protocol=PROTOCOL_NAMES.get(protocol, protocol)
    )


def contact(entry: Mapping[str, object]) -> tuple[str, str, str | None]:
    """(kind, text, link) of one public support contact; link None when it has none."""
    ((kind, raw),) = entry.items()
    value = str(raw)
    if kind == "email":
        return CONTACT_KINDS[kind], value, "mailto:" + quote(value, safe="@")
    if kind == "phone":
        return CONTACT_KINDS[kind], value, "tel:" + _NOT_DIALABLE.sub("", value)
    return CONTACT_KINDS.get(kind, kind), value, https(value)


def https(url: object) -> str | None:
    """``url`` when it is an https:// address (the only links a page may carry), else None."""
    return url if isinstance(url, str) and url.startswith("https://") else None
