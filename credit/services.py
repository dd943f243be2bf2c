"""Write operations on market entities."""

from django.db import IntegrityError, transaction

from config.submissions import created_once

from .models import MarketEntity
from .uscc import normalize


def market_entity(uscc: str, name: str) -> MarketEntity:
    """The entity with this credit code, created with `name` if it is new. The code is the identity: a name typed
    differently later does not rename the entity (its registered name is kept)."""
    entity, _ = MarketEntity.objects.get_or_create(uscc=normalize(uscc), defaults={"name": name.strip()})
    return entity


def entity_save(
    *,
    actor,
    entity: MarketEntity | None,
    fields: dict,
    roles,
    agency=None,
    request=None,
    submission_key=None,
) -> MarketEntity:
    """Create or correct a market entity from the entity form (a handler's or head's), with its roles; the change
    is recorded on the entity's trail. Raises ValidationError (in Chinese) for a code that is wrong or taken. A new
    entity is created once per `submission_key`: the same form sent again gets the entity it created."""
    from audit.services import audit_record

    from .models import CreditAction, EntityRole

    created = entity is None
    entity = entity or MarketEntity(submission_key=submission_key)
    for name, value in fields.items():
        setattr(entity, name, value.strip() if isinstance(value, str) else value)
    entity.uscc = normalize(entity.uscc)
    entity.id_number = normalize(entity.id_number)

    def write() -> MarketEntity:
        entity.full_clean()  # after the look-up of an earlier submit: its code is taken by the entity it entered
        with transaction.atomic():
            entity.save()
            entity.roles.exclude(role__in=roles).delete()
            for role in roles:
                EntityRole.objects.get_or_create(entity=entity, role=role)
            audit_record(
                actor=actor,
                action=CreditAction.ENTITY_CREATED if created else CreditAction.ENTITY_CHANGED,
                obj=entity,
                agency=agency,
                payload={"name": entity.name, "code": entity.code, "roles": sorted(roles)},
                request=request,
            )
        return entity

    try:
        if not created:
            return write()
        return created_once(MarketEntity.objects.visible_to(actor), submission_key, write)
    except IntegrityError:
        # Someone else entered the same code at the same moment, after the check: say so as the check would.
        entity.full_clean()
        raise
