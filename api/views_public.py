"""Public reads: what the public pages show, for everyone, with or without a token.

Each reuses the page's own selectors, form and rules, so that the answers equal the pages':
the directory (``institutions.filters``), the registry (``mous.filters``, ``mous.selectors``),
events (``events.selectors``) and the rules behind each page (``user.has_perm``), asked for
the token's person, or for a visitor without a token.
"""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from core.pagecache import kept
from events.models import Event
from events.selectors import event_list_public, participation_by_country
from institutions.filters import DirectoryForm, Taxonomies, directory_search, public_institutions
from institutions.models import CooperationType, Institution, Sector
from institutions.permissions import active_institution_ids, is_secretariat
from mous import stats as mou_stats
from mous.filters import RegistryForm, apply_filters
from mous.models import Mou
from mous.selectors import mou_list_for, mous_with_event_shown, registry_page

from .caching import kept_answer
from .fields import TaxonomyTermSerializer
from .pagination import CursorPagination, PageCursor
from .permissions import acting_institutions
from .schema import form_parameters
from .serializers_public import (
    DirectoryPageSerializer,
    EventDetailSerializer,
    EventListSerializer,
    InstitutionDetailSerializer,
    InstitutionListSerializer,
    MouDetailSerializer,
    MouListSerializer,
    RegistryPageSerializer,
)


def refuse_invalid(form) -> None:
    """400 with the form's messages (translated) for a filter the page would ignore."""
    if not form.is_valid():
        raise exceptions.ValidationError({field: [str(m) for m in messages] for field, messages in form.errors.items()})


class RootView(APIView):
    """The API's entry point: links to its documentation and main collections."""

    @extend_schema(
        operation_id="root",
        responses=inline_serializer(
            "Root", {name: serializers.URLField() for name in ("schema", "docs", "events", "institutions", "mous")}
        ),
    )
    def get(self, request):
        links = {"schema": "api:schema", "docs": "api:docs", "events": "api:events"}
        links.update({"institutions": "api:institutions", "mous": "api:mous"})
        return Response({name: reverse(target, request=request) for name, target in links.items()})


# --- Events ------------------------------------------------------------------------------------


class EventPagination(CursorPagination):
    ordering = ("-start_date", "-id")


class EventListView(GenericAPIView):
    """Published and closed events, newest first (the events page lists the same)."""

    serializer_class = EventListSerializer
    pagination_class = EventPagination

    @extend_schema(
        operation_id="events_list",
        responses=EventListSerializer(many=True),
        parameters=[
            OpenApiParameter("when", str, enum=["upcoming", "past"], description="Upcoming (not yet ended) or past."),
            OpenApiParameter("kind", str, enum=list(Event.Kind.values)),
            OpenApiParameter("country", str, description="ISO 3166 code of the event's country."),
            OpenApiParameter("page_size", int, description="Results per page (1-100)."),
        ],
    )
    def get(self, request):
        queryset = event_list_public()
        today = timezone.localdate()
        when, kind, country = (request.query_params.get(name, "") for name in ("when", "kind", "country"))
        errors = {}
        if when and when not in ("upcoming", "past"):
            errors["when"] = [self.invalid_choice(when)]
        if kind and kind not in Event.Kind.values:
            errors["kind"] = [self.invalid_choice(kind)]
        if errors:
            raise exceptions.ValidationError(errors)
        if when:
            queryset = (
                queryset.filter(end_date__gte=today) if when == "upcoming" else queryset.filter(end_date__lt=today)
            )
        if kind:
            queryset = queryset.filter(kind=kind)
        if country:
            queryset = queryset.filter(country=country.upper()[:2])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @staticmethod
    def invalid_choice(value: str) -> str:
        return serializers.ChoiceField(choices=[]).error_messages["invalid_choice"].format(input=value)


class EventDetailView(APIView):
    """An event with its agenda and participation by country (counts, never names)."""

    @extend_schema(operation_id="events_retrieve", responses=EventDetailSerializer)
    def get(self, request, slug: str):
        event = get_object_or_404(Event.objects.prefetch_related("organisers"), slug=slug)
        if not request.user.has_perm("events.open_event", event):
            raise exceptions.NotFound()  # a draft is nobody's business but its organisers'
        event.agenda = list(event.sessions.order_by("starts_at", "title"))
        event.participation = participation_by_country(event=event)
        return Response(EventDetailSerializer(event, context={"request": request}).data)


# --- The directory ------------------------------------------------------------------------------


PAGING = [
    OpenApiParameter("cursor", str, description="From the next/previous links."),
    OpenApiParameter("page_size", int, description="Results per page (1-100)."),
]


class InstitutionListView(APIView):
    """The directory: the same search, filters, sort and counts as the directory page."""

    @extend_schema(
        operation_id="institutions_list",
        parameters=[*form_parameters(DirectoryForm), *PAGING],
        responses=DirectoryPageSerializer,
        extensions={"x-results-equal": "the directory page"},
    )
    def get(self, request):
        viewer_ids = acting_institutions(request)
        fit = request.query_params.get("sort") == "fit" and viewer_ids
        audience = f"fit:{min(viewer_ids)}" if fit else "all"
        return kept_answer(request, "directory", audience, lambda: self.answer(request, viewer_ids))

    @staticmethod
    def answer(request, viewer_ids: set[int]) -> dict:
        viewer = Institution.objects.filter(pk__in=viewer_ids).first() if viewer_ids else None
        taxonomies = Taxonomies.load()
        form = DirectoryForm(request.query_params, taxonomies=taxonomies, can_sort_by_fit=viewer is not None)
        refuse_invalid(form)
        cursor = PageCursor(request, default_size=24)
        result = directory_search(
            form.directory_query(),
            page_number=cursor.page_number,
            viewer_institution=viewer,
            taxonomies=taxonomies,
            per_page=cursor.page_size,
        )
        links = cursor.links(result.page) if result.total else {"next": None, "previous": None}
        facets = {
            name: [
                {"value": str(o.value), "label": str(o.label), "count": o.count, "selected": o.selected}
                for o in options
            ]
            for name, options in result.facets.items()
        }
        results = InstitutionListSerializer(result.institutions, many=True, context={"request": request}).data
        return {**links, "count": result.total, "capped": result.capped, "facets": facets, "results": results}


class InstitutionDetailView(APIView):
    """An institution's public profile with its offers and needs (never its contact email)."""

    @extend_schema(operation_id="institutions_retrieve", responses=InstitutionDetailSerializer)
    def get(self, request, slug: str):
        institution = get_object_or_404(
            Institution.objects.prefetch_related(
                "sectors", "offers__cooperation_type", "offers__sector", "needs__cooperation_type", "needs__sector"
            ),
            slug=slug,
        )
        if institution.verification_status == Institution.Verification.REJECTED and not request.user.has_perm(
            "institutions.view_members", institution
        ):
            raise exceptions.NotFound()
        return Response(InstitutionDetailSerializer(institution, context={"request": request}).data)


class TaxonomyView(APIView):
    """The sectors and cooperation types, whose keys the directory and registry filters take."""

    @extend_schema(
        operation_id="taxonomies",
        responses=inline_serializer(
            "Taxonomies",
            {
                "sectors": TaxonomyTermSerializer(many=True),
                "cooperation_types": TaxonomyTermSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        return Response(
            {
                "sectors": TaxonomyTermSerializer(Sector.objects.all(), many=True).data,
                "cooperation_types": TaxonomyTermSerializer(CooperationType.objects.all(), many=True).data,
            }
        )


# --- The MoU registry ---------------------------------------------------------------------------


class MouListView(APIView):
    """The MoU registry with the registry page's search and filters, in its order.

    Public, signed MoUs for everyone; every MoU, drafts included, for the secretariat.
    """

    @extend_schema(
        operation_id="mous_list",
        parameters=[*form_parameters(RegistryForm), *PAGING],
        responses=RegistryPageSerializer,
    )
    def get(self, request):
        return kept_answer(request, "registry", registry_audience(request.user), lambda: self.answer(request))

    @staticmethod
    def answer(request) -> dict:
        user = request.user
        form = RegistryForm(request.query_params, user=user, include_drafts=is_secretariat(user))
        refuse_invalid(form)
        queryset = apply_filters(mou_list_for(user), form.filters())
        cursor = PageCursor(request, default_size=25)
        page = registry_page(queryset, cursor.page_number, per_page=cursor.page_size, load=mou_list_for(user))
        links = cursor.links(page) if page.paginator.count else {"next": None, "previous": None}
        results = MouListSerializer(page.object_list, many=True, context={"request": request}).data
        return {**links, "count": page.paginator.count, "results": results}


def registry_audience(user) -> str:
    """Who gets the same registry answer: the secretariat (every MoU), or people administering
    the same institutions (whose events' titles they may see), as for the registry page."""
    if is_secretariat(user):
        return "secretariat"
    return "admin-of:" + ",".join(str(pk) for pk in sorted(active_institution_ids(user, admin_only=True)))


class MouDetailView(APIView):
    """One MoU, as its page shows it to the caller (another's private MoU: 404)."""

    @extend_schema(operation_id="mous_retrieve", responses=MouDetailSerializer)
    def get(self, request, pk: int):
        queryset = Mou.objects.select_related("event").prefetch_related(
            "parties__institution", "sectors", "cooperation_types"
        )
        mou = get_object_or_404(mous_with_event_shown(queryset, user=request.user), pk=pk)
        if not request.user.has_perm("mous.open_mou", mou):
            raise exceptions.NotFound()
        return Response(MouDetailSerializer(mou, context={"request": request}).data)


# --- Statistics ---------------------------------------------------------------------------------


COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
STATISTICS_SCHEMA = {
    "type": "object",
    "properties": {
        "institutions": {
            "type": "object",
            "properties": {"total": {"type": "integer"}, "verified": {"type": "integer"}, "by_country": COUNTS},
        },
        "events": {"type": "object", "properties": {"public": {"type": "integer"}, "upcoming": {"type": "integer"}}},
        "mous": {
            "type": "object",
            "properties": {
                "total": {"type": "integer"},
                "by_status": COUNTS,
                "by_year": COUNTS,
                "country_pairs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "countries": {"type": "array", "items": {"type": "string"}},
                            "count": {"type": "integer"},
                        },
                    },
                },
            },
        },
    },
}


def _statistics(mous) -> dict:
    institutions = public_institutions()
    by_country = dict(institutions.order_by().values_list("country").annotate(n=Count("pk")))
    verified = institutions.filter(verification_status=Institution.Verification.VERIFIED).count()
    by_status = dict(mous.order_by().values_list("status").annotate(n=Count("pk")))
    by_year = {
        str(year): count
        for year, count in mous.filter(signed_on__isnull=False)
        .order_by()
        .annotate(year=ExtractYear("signed_on"))
        .values_list("year")
        .annotate(n=Count("pk"))
    }
    pairs = mou_stats.country_pairs(mous)
    events = event_list_public()
    return {
        "institutions": {"total": sum(by_country.values()), "verified": verified, "by_country": by_country},
        "events": {
            "public": events.count(),
            "upcoming": events.filter(end_date__gte=timezone.localdate()).count(),
        },
        "mous": {
            "total": sum(by_status.values()),
            "by_status": by_status,
            "by_year": dict(sorted(by_year.items())),
            "country_pairs": [
                {"countries": list(pair), "count": count} for pair, count in sorted(pairs.counts.items())
            ],
        },
    }


class StatisticsView(APIView):
    """Figures from what the public pages show: the directory, public events and the public
    registry (for the secretariat, the registry's every MoU, as its statistics page counts)."""

    @extend_schema(operation_id="statistics", responses={200: STATISTICS_SCHEMA})
    def get(self, request):
        secretariat = is_secretariat(request.user)
        mous = Mou.objects.all() if secretariat else Mou.objects.filter(is_public=True).exclude(status="draft")
        audience = "secretariat" if secretariat else "public"
        return Response(kept(f"api-statistics:{audience}", lambda: _statistics(mous)))


urlpatterns = [
    path("", RootView.as_view(), name="root"),
    path("events/", EventListView.as_view(), name="events"),
    path("events/<slug:slug>/", EventDetailView.as_view(), name="event"),
    path("institutions/", InstitutionListView.as_view(), name="institutions"),
    path("institutions/<slug:slug>/", InstitutionDetailView.as_view(), name="institution"),
    path("taxonomies/", TaxonomyView.as_view(), name="taxonomies"),
    path("mous/", MouListView.as_view(), name="mous"),
    path("mous/<int:pk>/", MouDetailView.as_view(), name="mou"),
    path("statistics/", StatisticsView.as_view(), name="statistics"),
]
