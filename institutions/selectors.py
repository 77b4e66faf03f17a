from django.db.models import QuerySet

from .models import Institution, Membership


def institution_list_public() -> QuerySet[Institution]:
    """Return the institutions of the public directory, with what the list shows."""
    return (
        Institution.objects.exclude(verification_status=Institution.Verification.REJECTED)
        .prefetch_related("sectors")
        .order_by("name")
    )


def memberships_of(*, user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("institution").order_by("institution__name")


def institutions_awaiting_verification() -> QuerySet[Institution]:
    return Institution.objects.filter(verification_status=Institution.Verification.UNVERIFIED).order_by("-created_at")
