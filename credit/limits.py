"""The public check's limit: at most CHECKS_PER_MINUTE per address and minute, so that nobody harvests the register
through it. Counted in Django's cache: per process with the default local-memory cache, shared by every process
when the deployment configures a shared cache (CACHE_URL=redis://…). A limit that slips on a cache outage is
acceptable here, where a check refused or failing would not be: the check shows nothing that the public lists do not.
"""

import logging

from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from config.client_ip import limit_key

CHECKS_PER_MINUTE = 30

logger = logging.getLogger(__name__)


def take_check_place(address: str, *, now=None) -> bool:
    """Count one check from `address` (an IPv6 address by its /64) in the current minute; False when the minute's
    places are taken."""
    now = now or timezone.now()
    key = f"credit-check:{limit_key(address)}:{now:%Y%m%d%H%M}"
    try:
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
    except RedisError:
        logger.warning("The credit check's limit is not counted: the cache is unreachable.", exc_info=True)
        return True
    return count <= CHECKS_PER_MINUTE
