"""Public reads: what visitors see on the pages, for everyone, with or without a token."""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


class RootView(APIView):
    """The API's entry point: links to its documentation and main collections."""

    @extend_schema(
        operation_id="root",
        responses=inline_serializer("Root", {"schema": serializers.URLField(), "docs": serializers.URLField()}),
    )
    def get(self, request):
        return Response(
            {"schema": reverse("api:schema", request=request), "docs": reverse("api:docs", request=request)}
        )


urlpatterns = [
    path("", RootView.as_view(), name="root"),
]
