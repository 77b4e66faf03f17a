"""Keep what is derived from institutions (matching keys, vocabulary, cached counts) current."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .filters import directory_changed
from .models import AllianceMembership, Institution, Need, Offer
from .search import add_search_words, institution_vocabulary


@receiver([post_save, post_delete], sender=Offer)
@receiver([post_save, post_delete], sender=Need)
def refresh_profile_keys(sender, instance, **kwargs) -> None:
    try:
        institution = Institution.objects.get(pk=instance.institution_id)
    except Institution.DoesNotExist:  # deleted together with its offers
        return
    institution.refresh_profile_keys()
    directory_changed(institution_ids=[institution.pk])


@receiver([post_save, post_delete], sender=Institution)
def forget_directory_counts(sender, instance, **kwargs) -> None:
    """The directory's cached facet counts of this institution's chunk no longer hold."""
    directory_changed(institution_ids=[instance.pk])


@receiver(m2m_changed, sender=Institution.sectors.through)
def forget_directory_counts_of_sectors(sender, instance, reverse, pk_set, **kwargs) -> None:
    """The counts of the institutions whose sectors changed no longer hold (all, if unknown)."""
    if not reverse:
        directory_changed(institution_ids=[instance.pk])
    elif pk_set:
        directory_changed(institution_ids=pk_set)
    else:  # a sector's institutions cleared: which ones is not said
        directory_changed()


@receiver(post_save, sender=Institution)
def add_to_search_vocabulary(sender, instance, raw=False, **kwargs) -> None:
    """Add the words of the institution's names and places to the spelling vocabulary."""
    if raw:  # loading fixtures
        return
    add_search_words(institution_vocabulary(instance))


@receiver([post_save, post_delete], sender=AllianceMembership)
def forget_directory_counts_of_alliance(sender, instance, **kwargs) -> None:
    """The alliance filter's counts of the member's chunk no longer hold."""
    directory_changed(institution_ids=[instance.member_id])
