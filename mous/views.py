from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Mou
from .selectors import mou_list_public


@require_GET
def mou_registry(request):
    paginator = Paginator(mou_list_public(), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "mous/mou_registry.html", {"page_obj": page})


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
