"""Who an e-mail address or a URL host reaches: free-mail providers, reserved domains, private IPs.

Reserved domains are ``example.com``, ``example.net``, ``example.org`` (and their subdomains)
and the ``.test``, ``.invalid`` and ``.localhost`` top-level domains (RFC 2606, RFC 6761). The
``.example`` top-level domain is reserved too, but it is deliberately accepted: the shipped
example submissions, the README and the tests use it for fictitious vendors (``acme.example``),
and refusing it would make every example fail.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("test", "invalid", "localhost")
# Free-mail providers: a mailbox there belongs to a person, not to the company (ORG-01).
FREE_MAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "outlook.com", "live.com", "msn.com", "ymail.com", "aol.com"}
    | {"icloud.com", "me.com", "mac.com", "proton.me", "pm.me", "protonmail.com", "hey.com"}
    | {"tutanota.com", "tuta.io", "zoho.com", "fastmail.com", "mail.com", "web.de", "t-online.de"}
    | {"mail.ru", "ya.ru", "qq.com", "163.com", "126.com", "sina.com", "naver.com"}
    | {"rediffmail.com"}
)
# Providers with one domain per country: gmx.de, gmx.net, yahoo.co.uk, yandex.ru, hotmail.fr...
FREE_MAIL_BRANDS = re.compile(r"(?:gmx|yahoo|hotmail|yandex)(?:\.[a-z]{2,3}){1,2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def mail_domain(address: str) -> str:
    """The domain of an e-mail address, lowercase and without a trailing dot."""
    return address.rpartition("@")[2].lower().rstrip(".")


def is_free_mail(domain: str) -> bool:
    domain = domain.lower().rstrip(".")
    return domain in FREE_MAIL_DOMAINS or bool(FREE_MAIL_BRANDS.fullmatch(domain))


def unreachable(host: str) -> str | None:
    """Why nobody can be reached at ``host`` (a reserved domain, a private address), or None."""
    host = host.lower().rstrip(".")
    for domain in RESERVED_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return f"{domain}, a reserved example domain"
    tld = host.rpartition(".")[2]
    if tld in RESERVED_TLDS:
        return f"{host}, a reserved .{tld} domain"
    if not (host[-1:].isdigit() or ":" in host):
        return None  # an IPv4 address ends with a digit, an IPv6 one holds colons
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if address.is_private or address.is_loopback or address.is_link_local:
        return f"{host}, a private network address"
    return None


def url_host(url: str) -> str | None:
    """The host name of an https:// URL; None for any other URL or one that cannot be split."""
    try:
        return urlsplit(url).hostname if url.startswith("https://") else None
    except ValueError:
        return None
