"""Write operations on market entities."""

from .models import MarketEntity
from .uscc import normalize


def market_entity(uscc: str, name: str) -> MarketEntity:
    """The entity with this credit code, created with `name` if it is new. The code is the identity: a name typed
    differently later does not rename the entity (its registered name is kept)."""
    entity, _ = MarketEntity.objects.get_or_create(uscc=normalize(uscc), defaults={"name": name.strip()})
    return entity
