"""The client's address, for the lock-out log, the audit trail and the online complaint limit.

Behind PROXY_COUNT reverse proxies, each appends the address it received the request from to X-Forwarded-For;
the client as the outermost trusted proxy saw it is the PROXY_COUNT-th entry from the right. Entries further left
come from the client itself and are never trusted. With no proxy, REMOTE_ADDR is the client.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
