"""Keep the parties' names in each MoU's search text (``Mou.party_names``) current."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from institutions.models import Institution

from .models import MouParty
from .services import PARTY_NAME_FIELDS, refresh_party_names


@receiver([post_save, post_delete], sender=MouParty)
def party_joined_or_left(sender, instance, raw=False, **kwargs) -> None:
    """Whatever wrote the party (the services, a ceremony, a renewal, the admin's inline)."""
    if raw:  # loading fixtures
        return
    refresh_party_names(mou_ids=[instance.mou_id])


@receiver(post_save, sender=Institution)
def party_renamed(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """An institution saved with its names: the MoUs it is party to are found by the new ones."""
    if raw or (update_fields is not None and not set(PARTY_NAME_FIELDS) & set(update_fields)):
        return
    refresh_party_names(mou_ids=MouParty.objects.filter(institution_id=instance.pk).values_list("mou_id", flat=True))
