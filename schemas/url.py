"""URL canonicalisation, so the same story reached by two links gets one article id.

Ours rather than ``w3lib.url.canonicalize_url`` or ``url-normalize``: both keep trailing slashes (and re-encode),
so 153 of the 428 URLs in the reference GDELT export would get new article ids; ``url-normalize``'s parameter
filter also drops ``id=``, which would merge different articles.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ocid", "cmpid")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop fragments, default ports, trailing slashes and tracking parameters."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(_TRACKING_PREFIXES)
        )
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))
