"""CSRF protection: a per-session token, and a double-submit token for the login form.

Every non-GET request needs the token in the form field ``csrf_token`` or the header
``X-CSRF-Token``. Before login there is no session, so the login form carries a random
token that must equal the one in the short-lived ``console_login_csrf`` cookie.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
LOGIN_COOKIE = "console_login_csrf"
#: Requests that change nothing.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    """A fresh random token."""
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; False if either is missing."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


async def submitted_token(request: web.Request) -> str | None:
    """The token of a request: header first, else the form field (form bodies only)."""
    header = request.headers.get(HEADER)
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()  # cached by aiohttp, handlers can read it again
        value = form.get(FORM_FIELD)
        return value if isinstance(value, str) else None
    return None
