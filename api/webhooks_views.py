"""Pages where institution admins and the secretariat manage their webhooks.

An institution's webhooks are managed from the institution's page (its admins see a
"Webhooks" button); the secretariat's own from its dashboard. Every write goes through
``api.webhooks_services``, which checks the right; an endpoint one may not manage, or an
institution one does not administer, answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from institutions.models import Institution

from . import webhooks_services as services
from .models_webhooks import WebhookDelivery
from .webhooks import WebhookError, endpoint_receives
from .webhooks_forms import EndpointEditForm, EndpointForm
from .webhooks_permissions import may_add_endpoint_for


def _add_error(form, error: WebhookError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _endpoints_page(request, institution: Institution | None):
    if not may_add_endpoint_for(request.user, institution):
        raise Http404
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(user=request.user, institution=institution, **form.cleaned_data)
        except WebhookError as error:
            _add_error(form, error)
        else:
            messages.success(
                request, _("The webhook was added. Show its secret below to verify the signatures of its events.")
            )
            return redirect("webhooks:endpoint", endpoint.pk)
    endpoints = services.endpoints_managed_by(request.user, institution=institution)
    return render(
        request,
        "api/webhooks/endpoints.html",
        {"institution": institution, "endpoints": endpoints, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def secretariat_endpoints(request):
    """The secretariat's own webhooks, which receive every event; and the form to add one."""
    return _endpoints_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def institution_endpoints(request, slug: str):
    """An institution's webhooks, which receive the events about its objects; for its admins."""
    return _endpoints_page(request, get_object_or_404(Institution, slug=slug))


def _endpoint(request, pk: int):
    try:
        return services.endpoint_for(request.user, pk)
    except services.EndpointNotFound:
        raise Http404 from None


def _endpoint_page(request, endpoint, *, form=None, secret: str | None = None, status: int = 200):
    if form is None:
        form = EndpointEditForm(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "event_types": endpoint.event_types,
                "is_active": endpoint.is_active,
            }
        )
    return render(
        request,
        "api/webhooks/endpoint.html",
        {
            "endpoint": endpoint,
            "form": form,
            "secret": secret,
            "may_see_secret": request.user.has_perm("api.view_webhook_secret", endpoint),
            "receives": endpoint_receives(endpoint),
            "deliveries": services.recent_deliveries(endpoint),
            "recent_limit": services.RECENT_DELIVERIES,
            "sending": WebhookDelivery.Status.SENDING,
            "back_url": reverse("webhooks:institution", args=[endpoint.institution.slug])
            if endpoint.institution_id
            else reverse("webhooks:secretariat"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_detail(request, pk: int):
    """One webhook: its settings (POST saves them) and its latest deliveries."""
    endpoint = _endpoint(request, pk)
    if request.method == "POST":
        form = EndpointEditForm(request.POST)
        if form.is_valid():
            try:
                services.endpoint_update(user=request.user, endpoint=endpoint, **form.cleaned_data)
            except WebhookError as error:
                _add_error(form, error)
                endpoint.refresh_from_db()
            else:
                messages.success(request, _("The webhook was saved."))
                return redirect("webhooks:endpoint", endpoint.pk)
        return _endpoint_page(request, endpoint, form=form, status=400)
    return _endpoint_page(request, endpoint)


@login_required
@require_POST
def endpoint_secret(request, pk: int):
    """Show the signing secret, to the person who added the webhook."""
    endpoint = _endpoint(request, pk)
    try:
        secret = services.endpoint_secret(user=request.user, endpoint=endpoint)
    except WebhookError as error:
        messages.error(request, error.message)
        return redirect("webhooks:endpoint", endpoint.pk)
    response = _endpoint_page(request, endpoint, secret=secret)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def endpoint_delete(request, pk: int):
    endpoint = _endpoint(request, pk)
    back = (
        reverse("webhooks:institution", args=[endpoint.institution.slug])
        if endpoint.institution_id
        else reverse("webhooks:secretariat")
    )
    services.endpoint_delete(user=request.user, endpoint=endpoint)
    messages.success(request, _("The webhook was deleted."))
    return redirect(back)


@login_required
@require_POST
def endpoint_test(request, pk: int):
    """Send a test event now; its delivery shows in the list."""
    endpoint = _endpoint(request, pk)
    try:
        services.endpoint_send_test(user=request.user, endpoint=endpoint)
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A test event is on its way; reload the page to see how it went."))
    return redirect("webhooks:endpoint", endpoint.pk)


@login_required
@require_POST
def delivery_send_again(request, pk: int, delivery_pk: int):
    endpoint = _endpoint(request, pk)
    try:
        services.delivery_send_again(user=request.user, endpoint=endpoint, delivery_id=delivery_pk)
    except services.EndpointNotFound:
        raise Http404 from None
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The event will be sent again within a minute."))
    return redirect("webhooks:endpoint", endpoint.pk)


urlpatterns = [
    path("", secretariat_endpoints, name="secretariat"),
    path("institution/<slug:slug>/", institution_endpoints, name="institution"),
    path("<int:pk>/", endpoint_detail, name="endpoint"),
    path("<int:pk>/secret/", endpoint_secret, name="secret"),
    path("<int:pk>/delete/", endpoint_delete, name="delete"),
    path("<int:pk>/test/", endpoint_test, name="test"),
    path("<int:pk>/deliveries/<int:delivery_pk>/send-again/", delivery_send_again, name="send_again"),
]
