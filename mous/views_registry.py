"""The public MoU registry."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from .selectors import mou_list_public


@require_GET
def mou_registry(request):
    paginator = Paginator(mou_list_public(), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "mous/mou_registry.html", {"page_obj": page})


urlpatterns = [
    path("", mou_registry, name="registry"),
]
