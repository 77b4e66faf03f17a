"""An institution admin's endpoints: their institution's profile, offers and needs.

They need a token bound to the institution, of a person who is (still, checked on every call)
an active admin of it: ``acting_institutions(request, admin_only=True)``. Anyone else, a token
bound to another institution included, gets 404, as another institution's private object
does on the pages; a read token may read and gets 403 on writes. Every write goes through the
profile page's forms and service (see ``api.serializers_institution``).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.models import Institution

from .pagination import CursorPagination
from .permissions import ScopePermission, TokenRequired, acting_institutions
from .serializers_institution import (
    ITEM_KINDS,
    ManagedInstitutionSerializer,
    ManagedProfileItemSerializer,
    profile_item_delete,
)

SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The institution's key (its slug).")
ITEM_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The offer's or need's id.")


def administered_institution(request, slug: str) -> Institution:
    """The institution ``slug`` if this call acts for it as its admin, else 404."""
    institution = Institution.objects.filter(slug=slug).first()
    if (
        institution is None
        or institution.pk not in acting_institutions(request, admin_only=True)
        or not request.user.has_perm("institutions.edit_institution", institution)
    ):
        raise NotFound()
    return institution


class AdminView(APIView):
    permission_classes = [ScopePermission, TokenRequired]


class InstitutionProfileView(AdminView):
    """The profile of an institution the caller administers."""

    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(operation_id="manage_institution_read", parameters=[SLUG], responses=ManagedInstitutionSerializer)
    def get(self, request, slug: str):
        institution = administered_institution(request, slug)
        return Response(ManagedInstitutionSerializer(institution).data)

    @extend_schema(
        operation_id="manage_institution_update",
        parameters=[SLUG],
        request=ManagedInstitutionSerializer,
        responses=ManagedInstitutionSerializer,
    )
    def patch(self, request, slug: str):
        institution = administered_institution(request, slug)
        serializer = ManagedInstitutionSerializer(institution, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        saved = serializer.save()
        saved.refresh_from_db()
        return Response(ManagedInstitutionSerializer(saved).data)


class ItemPagination(CursorPagination):
    ordering = "pk"


class ProfileItemListView(AdminView):
    """The offers (or needs) of an institution the caller administers; add one."""

    kind = "offers"
    pagination_class = ItemPagination

    def get(self, request, slug: str):
        institution = administered_institution(request, slug)
        items = (
            ITEM_KINDS[self.kind].objects.filter(institution=institution).select_related("cooperation_type", "sector")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(ManagedProfileItemSerializer(page, many=True).data)

    def post(self, request, slug: str):
        institution = administered_institution(request, slug)
        serializer = ManagedProfileItemSerializer(
            data=request.data, context={"institution": institution, "kind": self.kind}
        )
        serializer.is_valid(raise_exception=True)
        item = serializer.save()
        return Response(ManagedProfileItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ProfileItemDetailView(AdminView):
    """One offer (or need) of an institution the caller administers: read, change, delete."""

    kind = "offers"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def item(self, request, slug: str, pk: int):
        institution = administered_institution(request, slug)
        model = ITEM_KINDS[self.kind]
        return institution, get_object_or_404(
            model.objects.select_related("cooperation_type", "sector"), pk=pk, institution=institution
        )

    def get(self, request, slug: str, pk: int):
        _institution, item = self.item(request, slug, pk)
        return Response(ManagedProfileItemSerializer(item).data)

    def patch(self, request, slug: str, pk: int):
        institution, item = self.item(request, slug, pk)
        serializer = ManagedProfileItemSerializer(
            item, data=request.data, partial=True, context={"institution": institution, "kind": self.kind}
        )
        serializer.is_valid(raise_exception=True)
        return Response(ManagedProfileItemSerializer(serializer.save()).data)

    def delete(self, request, slug: str, pk: int):
        institution, item = self.item(request, slug, pk)
        profile_item_delete(institution=institution, kind=self.kind, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _documented(method, **schema):
    """``method`` of a base view, documented for one subclass (each gets its own schema)."""

    def documented(self, *args, **kwargs):
        return method(self, *args, **kwargs)

    documented.__name__ = method.__name__
    documented.__doc__ = method.__doc__
    return extend_schema(**schema)(documented)


def _item_views(kind: str, noun: str):
    """The list and detail views of offers or needs, each with its own operation ids."""
    list_view = type(
        f"{noun.capitalize()}ListView",
        (ProfileItemListView,),
        {
            "kind": kind,
            "get": _documented(
                ProfileItemListView.get,
                operation_id=f"manage_{noun}_list",
                parameters=[SLUG],
                responses=ManagedProfileItemSerializer(many=True),
            ),
            "post": _documented(
                ProfileItemListView.post,
                operation_id=f"manage_{noun}_create",
                parameters=[SLUG],
                request=ManagedProfileItemSerializer,
                responses={201: ManagedProfileItemSerializer},
            ),
        },
    )
    detail_view = type(
        f"{noun.capitalize()}DetailView",
        (ProfileItemDetailView,),
        {
            "kind": kind,
            "get": _documented(
                ProfileItemDetailView.get,
                operation_id=f"manage_{noun}_read",
                parameters=[SLUG, ITEM_ID],
                responses=ManagedProfileItemSerializer,
            ),
            "patch": _documented(
                ProfileItemDetailView.patch,
                operation_id=f"manage_{noun}_update",
                parameters=[SLUG, ITEM_ID],
                request=ManagedProfileItemSerializer,
                responses=ManagedProfileItemSerializer,
            ),
            "delete": _documented(
                ProfileItemDetailView.delete,
                operation_id=f"manage_{noun}_delete",
                parameters=[SLUG, ITEM_ID],
                responses={204: None},
            ),
        },
    )
    return list_view, detail_view


OfferListView, OfferDetailView = _item_views("offers", "offer")
NeedListView, NeedDetailView = _item_views("needs", "need")


urlpatterns = [
    path("manage/institutions/<slug:slug>/", InstitutionProfileView.as_view(), name="manage_institution"),
    path("manage/institutions/<slug:slug>/offers/", OfferListView.as_view(), name="manage_offers"),
    path("manage/institutions/<slug:slug>/offers/<int:pk>/", OfferDetailView.as_view(), name="manage_offer"),
    path("manage/institutions/<slug:slug>/needs/", NeedListView.as_view(), name="manage_needs"),
    path("manage/institutions/<slug:slug>/needs/<int:pk>/", NeedDetailView.as_view(), name="manage_need"),
]
