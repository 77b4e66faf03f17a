"""An MoU's page, its status changes, history timeline, milestones and activities."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from .models import Mou


@require_GET
def mou_detail(request, pk: int):
    mou = get_object_or_404(
        Mou.objects.select_related("event", "ceremony_session").prefetch_related(
            "parties__institution", "sectors", "cooperation_types", "milestones"
        ),
        pk=pk,
    )
    if not request.user.has_perm("mous.open_mou", mou):
        raise Http404
    return render(request, "mous/mou_detail.html", {"mou": mou})


urlpatterns = [
    path("<int:pk>/", mou_detail, name="detail"),
]
