"""The calling token itself: what it is, and revoking it."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .permissions import TokenRequired, token_of
from .services import token_revoke


class TokenSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=["read", "write"]))
    institution = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    user = serializers.SerializerMethodField()

    def get_institution(self, token) -> str | None:
        """The slug of the institution the token acts for, or null."""
        return token.institution.slug if token.institution_id else None

    def get_user(self, token) -> str:
        """The name of the person the token acts as."""
        return str(token.user)


class CurrentTokenView(APIView):
    """The token of this call."""

    permission_classes = [TokenRequired]

    @extend_schema(responses=TokenSerializer, operation_id="token_current")
    def get(self, request):
        return Response(TokenSerializer(token_of(request)).data)

    @extend_schema(responses={204: None}, operation_id="token_revoke")
    def delete(self, request):
        """Revoke the token of this call (a read-only token may revoke itself)."""
        token_revoke(user=request.user, token=token_of(request))
        return Response(status=204)

    def get_permissions(self):
        # Revoking itself is allowed to any token, read-only ones included.
        return [TokenRequired()]


urlpatterns = [
    path("token/", CurrentTokenView.as_view(), name="token"),
]
