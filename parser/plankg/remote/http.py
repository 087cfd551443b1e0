"""The HTTP client shared by ``push`` and ``query --endpoint``: auth, retries, errors.

Why one place: both commands talk to the same kinds of servers (Oxigraph, Fuseki,
GraphDB, Virtuoso) and must fail the same way — one line naming the endpoint and the
reason (:class:`~plankg.errors.RemoteError`), never a traceback. httpx (BSD licence) is
imported here, inside :func:`client`, so ``plankg query`` without ``--endpoint`` never
loads it.

Retries: a connection error, a timeout while connecting, or a 5xx answer is tried again
after 0.5 s, 1 s, 2 s, … (doubling, capped at 8 s) up to ``retries`` times; a 4xx is the
request's fault and is not retried.

>>> backoff(0), backoff(1), backoff(10)
(0.5, 1.0, 8.0)
>>> redact("http://u:secret@host:7878/store")
'http://u:***@host:7878/store'
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

from plankg.errors import PlanKGError

USER_AGENT = "plankg (+https://w3id.org/plankg)"


def backoff(attempt: int, base: float = 0.5, cap: float = 8.0) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based)."""
    return min(cap, base * (2 ** attempt))


def redact(url: str) -> str:
    """``url`` with any password in it replaced by ``***`` (for messages)."""
    return re.sub(r"(//[^/:@]+:)[^@/]*@", r"\1***@", url)


@dataclass
class Auth:
    """Credentials for a server: ``--user U --password-env VAR``."""

    user: str
    password: str

    @classmethod
    def from_options(cls, user: str | None, password_env: str | None) -> "Auth | None":
        """The credentials the options name, or None without ``--user``.

        Raises:
            RemoteError: E606 when ``--user`` is given but the variable is unset.
        """
        if not user:
            return None
        var = password_env or "PLANKG_PASSWORD"
        password = os.environ.get(var)
        if password is None:
            raise PlanKGError.make("E606", reason=f"--user {user} needs the password in "
                                                  f"${var}, which is not set")
        return cls(user, password)


def validate_url(url: str) -> str:
    """The endpoint URL, checked to be ``http(s)://host…``.

    Raises:
        RemoteError: E605 otherwise.

    >>> validate_url("localhost:7878/store")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    plankg.errors.RemoteError: localhost:7878/store: E605 bad endpoint: not an http:// or https:// URL
    """
    if not re.match(r"^https?://[^/\s]+", url or ""):
        raise PlanKGError.make("E605", path=url, reason="not an http:// or https:// URL")
    return url


def client(auth: Auth | None = None, timeout: float | None = 60.0):
    """An ``httpx.Client`` with our user agent; basic auth, or digest when the server
    asks for it (Virtuoso's ``/sparql-graph-crud-auth`` does)."""
    import httpx

    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout or 10.0, 10.0)),
                        headers={"User-Agent": USER_AGENT},
                        auth=_FlexibleAuth(auth) if auth else None,
                        follow_redirects=True)


def _FlexibleAuth(auth: Auth):  # noqa: N802 - a factory standing in for a class
    """Basic auth unless the server's challenge says Digest."""
    import httpx

    class FlexibleAuth(httpx.Auth):
        requires_response_body = False

        def __init__(self) -> None:
            self.basic = httpx.BasicAuth(auth.user, auth.password)
            self.digest = httpx.DigestAuth(auth.user, auth.password)
            self.use_digest = False

        def auth_flow(self, request):
            if self.use_digest:
                yield from self.digest.auth_flow(request)
                return
            response = yield next(self.basic.auth_flow(request))
            challenge = response.headers.get("www-authenticate", "").lower()
            # a Digest challenge, or none at all (Virtuoso answers a Basic header with
            # a bare 401): ask again the digest way
            if response.status_code == 401 and not challenge.startswith("basic"):
                self.use_digest = True
                # the digest flow asks again, then answers the challenge; once it has
                # seen one it answers at the first try (so a streamed PUT is sent once,
                # after the probe that :mod:`plankg.remote.gsp` makes first)
                request.headers.pop("Authorization", None)
                yield from self.digest.auth_flow(request)

    return FlexibleAuth()


def is_transient(status: int) -> bool:
    """5xx answers are worth retrying; so is 429 (too many requests)."""
    return status >= 500 or status == 429


def request(send: Callable[[], Any], url: str, *, retries: int = 5,
            sleep: Callable[[float], None] = time.sleep,
            on_retry: Callable[[int, str], None] | None = None):
    """Call ``send()`` (which makes one httpx request) until it gets a non-5xx answer.

    Args:
        send: makes the request and returns the ``httpx.Response``; called again on
            each retry, so a streamed body is made afresh.
        url: for messages.
        retries: how many times to try again after the first attempt.
    Returns:
        the response (any status below 500 other than 429; the caller judges 4xx).
    Raises:
        RemoteError: E600 when the server cannot be reached after the retries, E602
            when it answers 5xx every time, E604 when it does not answer in time.
    """
    import httpx

    attempt = 0
    while True:
        try:
            response = send()
        except httpx.TimeoutException as e:
            if isinstance(e, httpx.ConnectTimeout) and attempt < retries:
                reason = f"connect timeout ({e})"
            else:
                raise PlanKGError.make("E604", path=redact(url),
                                       reason=_one_line(e) or "no answer in time") from None
        except httpx.TransportError as e:
            reason = _one_line(e) or type(e).__name__
            if attempt >= retries:
                raise PlanKGError.make("E600", path=redact(url),
                                       reason=f"{reason} (tried {attempt + 1} times)") from None
        else:
            if not is_transient(response.status_code):
                return response
            reason = f"HTTP {response.status_code}: {snippet(response)}"
            if attempt >= retries:
                raise PlanKGError.make("E602", path=redact(url),
                                       reason=f"{reason} (tried {attempt + 1} times)")
        if on_retry:
            on_retry(attempt, reason)
        sleep(backoff(attempt))
        attempt += 1


def snippet(response, limit: int = 200) -> str:
    """The start of a response's body on one line (servers explain errors there)."""
    try:
        text = response.text
    except Exception:  # noqa: BLE001 - a body we cannot decode explains nothing
        return response.reason_phrase or ""
    return (" ".join(text.split())[:limit]) or (response.reason_phrase or "")


def check(response, url: str, code: str = "E602") -> None:
    """Raise ``code`` (E602 by default) for a 4xx answer."""
    if response.status_code >= 400:
        hint = ""
        if response.status_code in (401, 403):
            hint = " (give --user and --password-env)"
        raise PlanKGError.make(code, path=redact(url),
                               reason=f"HTTP {response.status_code}: {snippet(response)}{hint}")


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())
