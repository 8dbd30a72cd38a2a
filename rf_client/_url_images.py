"""Images given as http(s) URLs: checked up front, downloaded by the client under a policy.

:func:`check_image_url` is the cheap check run before anything is sent (scheme, host name,
port, no spaces). :func:`download_image` is the plan that fetches the image under
:class:`~rf_client._http.URLImagePolicy`: a timeout per hop, a size cap, redirects followed
by hand up to a limit, and (``allow_private_addresses=False``) every hop's host resolved,
refused unless public, and connected to at the address that was checked. Downloads never carry
the API key, and messages never show a URL's query string or user info.
"""

from __future__ import annotations

import ipaddress
import urllib.parse

import httpx

from rf_client._http import ClientOptions, Reply, Request, ResponseTooLarge, URLImagePolicy
from rf_client._plan import Plan, resolve_host, transmit
from rf_client._redaction import display_url, redact
from rf_client.errors import InvalidURLImageInput, URLAddressNotAllowedError


def check_image_url(url: str) -> None:
    """Raise InvalidURLImageInput unless ``url`` is a well-formed http(s) URL with a host.

    Nothing is resolved or downloaded here; the address policy applies when downloading.
    """
    shown = display_url(url)
    if any(character.isspace() or ord(character) < 32 for character in url.strip()):
        raise InvalidURLImageInput(
            f"image URL {shown!r} contains spaces or control characters; percent-encode them."
        )
    problem = "it has no host"
    try:
        parts = urllib.parse.urlsplit(url.strip())
        if parts.port is not None and parts.port == 0:
            problem = "port 0"
        elif parts.hostname:
            host_problem = host_name_problem(url.strip())
            if host_problem is None:
                return
            problem = host_problem
    except ValueError as error:  # a port outside 0-65535, a broken IPv6 literal
        problem = str(error)
    raise InvalidURLImageInput(f"image URL {shown!r} is not a valid http(s) URL: {problem}.")


def host_name_problem(url: str) -> str | None:
    """Why the host of the http(s) URL ``url`` can never be looked up, or None if it can.

    The host is checked as httpx hands it to the resolver (IDNA-encoded by httpx, then by
    Python's ``idna`` codec in ``getaddrinfo``): a name either refuses would otherwise fail
    while connecting, as a raw ``UnicodeError``, after other requests were already sent.
    """
    try:
        host = httpx.URL(url).raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError) as error:  # an invalid international name
        return f"{redact(str(error))[:200]}; check the host name"
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    else:
        return None
    # One trailing dot (a fully qualified name) is allowed.
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if any(not label for label in labels):
        return "its host name has an empty label, from two dots in a row or a leading dot; check it"
    if any(len(label) > 63 for label in labels):
        return "a label of its host name is longer than 63 characters, the DNS limit; check it"
    try:
        host.encode("idna")
    except UnicodeError as error:
        return f"its host name cannot be looked up: {error}; check it"
    return None


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def download_image(url: str, policy: URLImagePolicy) -> Plan[bytes]:
    """Download an image URL under ``policy``: timeout, size cap, redirect limit, addresses.

    Redirects are followed one hop at a time, each hop checked like the first. With
    ``allow_private_addresses=False`` every hop's host is resolved and refused unless all its
    addresses are global, and the connection goes to the checked address. The download
    carries no API key and is not retried.

    Raises:
        InvalidURLImageInput: The URL is malformed, the download failed, timed out, answered
            an error status or an empty body, was larger than ``max_bytes``, or redirected
            more than ``max_redirects`` times.
        URLAddressNotAllowedError: A hop resolves to an address the policy refuses.
    """
    current = url.strip()
    shown = display_url(url)
    for hop in range(policy.max_redirects + 1):
        where = f"image URL {shown!r}"
        if hop:
            where += f" (redirected to {display_url(current)!r})"
        _scheme, host, port = _url_origin(current, where)
        connect_to = None
        if not policy.allow_private_addresses:
            connect_to = yield from _vetted_address(host, port, where)
        request = Request(
            method="GET",
            url=current,
            endpoint=f"GET {display_url(current, 100)}",
            # A pinned connection is not reused for another host name on the same address.
            headers={"Connection": "close"} if connect_to else {},
            retryable=False,
            max_response_bytes=policy.max_bytes,
            uses_client_timeout=False,
            timeout=policy.timeout,
            connect_to=connect_to,
        )
        outcome = yield from transmit(request, ClientOptions())
        if not isinstance(outcome, Reply):
            raise _download_error(where, outcome, policy)
        if outcome.status_code in REDIRECT_STATUSES:
            location = outcome.headers.get("location", "").strip()
            if not location:
                raise InvalidURLImageInput(
                    f"{where} answered a redirect (HTTP {outcome.status_code}) without a Location."
                )
            current = urllib.parse.urljoin(current, location)
            continue
        if outcome.status_code >= 400:
            raise InvalidURLImageInput(
                f"{where} answered HTTP {outcome.status_code}; check the URL or pass the image "
                "itself."
            )
        if not outcome.content:
            raise InvalidURLImageInput(f"{where} returned an empty body.")
        return outcome.content
    raise InvalidURLImageInput(
        f"image URL {shown!r} redirected more than {policy.max_redirects} times "
        "(URLImagePolicy.max_redirects)."
    )


def _url_origin(url: str, where: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; InvalidURLImageInput for anything else."""
    problem = "it is not an http(s) URL with a host"
    try:
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https") and parts.hostname:
            # A redirect's target gets the up-front check of the first URL.
            host_problem = host_name_problem(url)
            if host_problem is None:
                return scheme, parts.hostname, parts.port or (443 if scheme == "https" else 80)
            problem = host_problem
    except ValueError as error:
        problem = str(error)
    raise InvalidURLImageInput(f"{where} cannot be downloaded: {problem}.")


def is_public_address(address: str) -> bool:
    """Whether an IP address is global unicast (not private, loopback, link-local, ...).

    IPv4 addresses mapped into IPv6 (``::ffff:127.0.0.1``) are judged as the IPv4 address.
    """
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _vetted_address(host: str, port: int, where: str) -> Plan[str]:
    """An address of ``host`` to connect to, if every address it resolves to is public."""
    addresses = yield from resolve_host(host, port)
    if isinstance(addresses, OSError):
        raise InvalidURLImageInput(
            f"{where}: cannot resolve {host!r} ({redact(str(addresses))[:200]})."
        )
    if not addresses:
        raise InvalidURLImageInput(f"{where}: {host!r} resolves to no address.")
    for address in addresses:
        if not is_public_address(address):
            raise URLAddressNotAllowedError(
                f"{where}: {host!r} resolves to {address}, a private, loopback, link-local or "
                "otherwise non-public address, which URLImagePolicy(allow_private_addresses="
                "False) refuses."
            )
    return addresses[0]


def _download_error(
    where: str, error: httpx.HTTPError | OSError, policy: URLImagePolicy
) -> InvalidURLImageInput:
    if isinstance(error, ResponseTooLarge):
        return InvalidURLImageInput(
            f"{where} is larger than URLImagePolicy.max_bytes={policy.max_bytes} ({error}); "
            "download it yourself or raise the limit."
        )
    if isinstance(error, httpx.TimeoutException):
        return InvalidURLImageInput(
            f"{where} timed out (URLImagePolicy.timeout: {policy.timeout}); check the host or "
            "raise the timeout."
        )
    text = str(error).strip()
    detail = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return InvalidURLImageInput(f"{where} could not be downloaded ({redact(detail)[:200]}).")
