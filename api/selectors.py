"""Reading API tokens."""

from django.db.models import QuerySet

from .models import ApiToken

# The preferences page lists at most this many of a person's tokens, newest first.
LISTED_TOKENS = 50


def tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("institution").order_by("-created_at", "-pk")
