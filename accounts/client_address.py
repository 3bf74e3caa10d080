"""The address of the client behind a request, for throttles.

Without a trusted proxy it is REMOTE_ADDR, and forwarding headers are ignored: anyone can send
X-Forwarded-For, so believing it would let an attacker pick a fresh address for every guess.

Behind the proxy the README prescribes, every request arrives from the proxy's own address, so
REMOTE_ADDR would put every visitor in one bucket and one attacker could lock out the site. With
TRUSTED_PROXY on, each of the TRUSTED_PROXY_HOPS proxies appends the address it received the
request from to TRUSTED_PROXY_HEADER; anything to the left of those entries was written by the
client and is not trusted. The client is therefore the entry TRUSTED_PROXY_HOPS from the right.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def get_client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    if not settings.TRUSTED_PROXY:
        return remote
    meta_key = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    entries = [entry.strip() for entry in request.META.get(meta_key, "").split(",")]
    entries = [entry for entry in entries if entry]
    if not entries:
        # The request did not come through the proxy chain (a health check on the host itself).
        return remote
    # Fewer entries than hops: the leftmost was still written by a trusted proxy.
    candidate = entries[-min(settings.TRUSTED_PROXY_HOPS, len(entries))]
    return _parse_address(candidate) or remote


def _parse_address(text: str) -> str | None:
    """The IP address in `text`, without a port some proxies add; None when it is not one."""
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
