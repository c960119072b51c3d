"""Okta's OAuth 2.0 admin-management scopes: the list API service scopes are checked against."""

from __future__ import annotations

# Okta's public list "OAuth 2.0 Scopes for Okta Admin Management" (the "Okta Admin Management"
# table of developer.okta.com/docs/api/oauth2), plus admin scopes that Okta org authorization
# servers advertise beside it (certificateAuthorities, events, factors, reports) and the Identity
# Threat Protection scopes okta.userRisk.*. Identity Governance scopes (okta.governance.*,
# okta.accessRequests.*) have their own list and are not included. Only scopes ending in .read or
# .manage are listed: the schema refuses the others. Okta adds scopes over time, so an unlisted
# scope is a warning, never an error; extend this list when it lags behind Okta's.
ADMIN_SCOPES = frozenset(
    f"okta.{resource}.{access}"
    for resource, accesses in {
        "agentPools": ("read", "manage"),
        "apiTokens": ("read", "manage"),
        "appGrants": ("read", "manage"),
        "apps": ("read", "manage"),
        "authenticators": ("read", "manage"),
        "authorizationServers": ("read", "manage"),
        "behaviors": ("read", "manage"),
        "brands": ("read", "manage"),
        "captchas": ("read", "manage"),
        "certificateAuthorities": ("read", "manage"),
        "deviceAssurance": ("read", "manage"),
        "devices": ("read", "manage"),
        "domains": ("read", "manage"),
        "emailDomains": ("read", "manage"),
        "emailServers": ("read", "manage"),
        "eventHooks": ("read", "manage"),
        "events": ("read",),
        "factors": ("read", "manage"),
        "features": ("read", "manage"),
        "groups": ("read", "manage"),
        "identitySources": ("read", "manage"),
        "idps": ("read", "manage"),
        "inlineHooks": ("read", "manage"),
        "linkedObjects": ("read", "manage"),
        "logStreams": ("read", "manage"),
        "logs": ("read",),
        "networkZones": ("read", "manage"),
        "oauthIntegrations": ("read", "manage"),
        "orgs": ("read", "manage"),
        "policies": ("read", "manage"),
        "principalRateLimits": ("read", "manage"),
        "profileMappings": ("read", "manage"),
        "rateLimits": ("read", "manage"),
        "realms": ("read", "manage"),
        "reports": ("read", "manage"),
        "riskEvents": ("manage",),
        "riskProviders": ("read", "manage"),
        "roles": ("read", "manage"),
        "schemas": ("read", "manage"),
        "sessions": ("read", "manage"),
        "templates": ("read", "manage"),
        "threatInsights": ("read", "manage"),
        "trustedOrigins": ("read", "manage"),
        "userRisk": ("read", "manage"),
        "userTypes": ("read", "manage"),
        "users": ("read", "manage"),
    }.items()
    for access in accesses
)
