"""Keep credentials out of the logs: join tokens in URLs, passwords in query strings, bearer tokens."""

from __future__ import annotations

import logging
import re
from typing import Any

SECRET_PARAMS = ("token", "access_token", "refresh_token", "password", "secret", "key")
MASK = "***"

# A secret query parameter: the name right after ?, & or ; and its value up to the next separator.
_QUERY_SECRET = re.compile(
    r"(?P<name>(?:^|[?&;])(?:" + "|".join(SECRET_PARAMS) + r")=)[^&;#\s\"']*",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(?P<scheme>bearer)\s+[^\s\"',;]+", re.IGNORECASE)
_SAFE_TYPES = (int, float, bool, type(None), bytes)


def redact(text: str) -> str:
    """Mask secret query-string values and bearer tokens in one string."""
    text = _QUERY_SECRET.sub(lambda m: m.group("name") + MASK, text)
    return _BEARER.sub(lambda m: m.group("scheme") + " " + MASK, text)


def _redact_arg(arg: Any) -> Any:
    """Redact one %-format argument, keeping numbers numeric so %d still formats."""
    if isinstance(arg, str):
        return redact(arg)
    if isinstance(arg, _SAFE_TYPES):
        return arg
    # Objects such as URLs carry the token in their str(); swap in the masked text only when it matters.
    text = str(arg)
    masked = redact(text)
    return masked if masked != text else arg


class SecretRedactingFilter(logging.Filter):
    """Rewrite records in place so no handler ever sees a secret; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask secrets in args one by one, then in the whole message if one straddles msg and args."""
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_redact_arg(arg) for arg in args)
        elif isinstance(args, dict):
            record.args = {name: _redact_arg(value) for name, value in args.items()}
        if not record.args:
            if isinstance(record.msg, str):
                record.msg = redact(record.msg)
            elif record.msg is not None and redact(text := str(record.msg)) != text:
                record.msg = redact(text)
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            return True  # a broken format string: logging reports it, and the args are masked already
        masked = redact(message)
        # "Bearer %s" with the token as an arg only shows up formatted. uvicorn's AccessFormatter unpacks
        # its five args, so its records keep their shape (their secrets sit whole inside one arg anyway).
        if masked != message and record.name != "uvicorn.access":
            record.msg, record.args = masked, None
        return True


def _add_once(target: logging.Filterer) -> None:
    """Attach one redacting filter unless the target already has one."""
    if not any(isinstance(existing, SecretRedactingFilter) for existing in target.filters):
        target.addFilter(SecretRedactingFilter())


def install_log_redaction() -> None:
    """Redact uvicorn's access and error loggers and every root handler; safe to call repeatedly."""
    # Logger filters survive uvicorn's dictConfig; root handler filters catch records from every other logger.
    for name in ("uvicorn.access", "uvicorn.error"):
        _add_once(logging.getLogger(name))
    for handler in logging.getLogger().handlers:
        _add_once(handler)
