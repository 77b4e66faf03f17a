from django.db.models import Q, QuerySet

from institutions.permissions import active_institution_ids, is_secretariat

from .models import Mou


def mou_list_public() -> QuerySet[Mou]:
    return (
        Mou.objects.filter(is_public=True)
        .exclude(status=Mou.Status.DRAFT)
        .select_related("event")
        .prefetch_related("parties__institution")
    )


def mou_list_visible_to(*, user) -> QuerySet[Mou]:
    """Return the MoUs ``user`` may see: all for the secretariat, else public ones and their own."""
    queryset = Mou.objects.select_related("event").prefetch_related("parties__institution")
    if is_secretariat(user):
        return queryset
    public = Q(is_public=True) & ~Q(status=Mou.Status.DRAFT)
    own = Q(parties__institution_id__in=active_institution_ids(user))
    return queryset.filter(public | own).distinct()


def mous_of_institutions(*, institution_ids) -> QuerySet[Mou]:
    return (
        Mou.objects.filter(parties__institution_id__in=institution_ids)
        .distinct()
        .prefetch_related("parties__institution")
    )
