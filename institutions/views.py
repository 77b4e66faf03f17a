from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Institution
from .selectors import institution_list_public


@require_GET
def institution_list(request):
    paginator = Paginator(institution_list_public(), 24)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "institutions/institution_list.html", {"page_obj": page})


@require_GET
def institution_detail(request, slug: str):
    institution = get_object_or_404(
        Institution.objects.prefetch_related(
            "sectors", "offers__cooperation_type", "offers__sector", "needs__cooperation_type", "needs__sector"
        ),
        slug=slug,
    )
    return render(request, "institutions/institution_detail.html", {"institution": institution})
