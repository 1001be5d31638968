"""Twilio request validation (X-Twilio-Signature), as Twilio specifies it, without the twilio package."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

SIGNATURE_HEADER = "X-Twilio-Signature"
_DEFAULT_PORTS = {"https": 443, "http": 80, "wss": 443, "ws": 80}


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Base64 HMAC-SHA1 of the full URL followed by each POST parameter's name and value, names sorted."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _url_variants(url: str) -> list[str]:
    """The URL without a port and with the scheme's default port, as Twilio's own validator tries both."""
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    host = hostport
    try:
        has_port = parts.port is not None
    except ValueError:  # a port that is not a number: nothing to vary, sign the URL as given
        return [url]
    if has_port:
        host = hostport.rsplit(":", 1)[0]
    default = _DEFAULT_PORTS.get(parts.scheme.lower(), 80)
    without_port = urlunsplit(parts._replace(netloc=f"{userinfo}{at}{host}"))
    with_port = url if has_port else urlunsplit(parts._replace(netloc=f"{userinfo}{at}{host}:{default}"))
    return list(dict.fromkeys([url, without_port, with_port]))


def verify_twilio_signature(
    auth_token: str, url: str, params: Mapping[str, str], signature: str | None
) -> bool:
    """True when the X-Twilio-Signature matches the URL (with or without its port) and params."""
    if not signature or not auth_token:
        return False
    given = signature.strip().encode()
    matched = False
    # Check every variant without returning early, so timing does not tell which variant matched.
    for variant in _url_variants(url):
        expected = twilio_signature(auth_token, variant, params).encode()
        matched |= hmac.compare_digest(expected, given)
    return matched
