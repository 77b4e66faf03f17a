from django.db.models import QuerySet

from .models import Mou


def mou_list_public() -> QuerySet[Mou]:
    return (
        Mou.objects.filter(is_public=True)
        .exclude(status=Mou.Status.DRAFT)
        .select_related("event")
        .prefetch_related("parties__institution")
    )


def mous_of_institutions(*, institution_ids) -> QuerySet[Mou]:
    return (
        Mou.objects.filter(parties__institution_id__in=institution_ids)
        .distinct()
        .prefetch_related("parties__institution")
    )


def mou_list_for(user) -> QuerySet[Mou]:
    """The registry's MoUs as ``user`` may list them: all for the secretariat, public ones for others."""
    from institutions.permissions import is_secretariat

    if is_secretariat(user):
        return Mou.objects.select_related("event").prefetch_related("parties__institution")
    return mou_list_public()
