"""API tokens on the preferences page: create (shown once) and revoke, through api.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.errors import ApiTokenError
from api.forms import ApiTokenForm
from api.selectors import tokens_of
from api.services import token_create, token_revoke

from .views import preferences_context


@login_required
@require_POST
def api_token_create(request):
    """Create a token; the page shows its full string once, in this answer only (never stored)."""
    form = ApiTokenForm(request.POST, user=request.user)
    new_token = None
    if form.is_valid():
        try:
            token, new_token = token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=[form.cleaned_data["scope"]],
                institution=form.cleaned_data["institution"],
                expires_at=form.expires_at(),
            )
        except ApiTokenError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = ApiTokenForm(user=request.user)
    return render(
        request, "portal/preferences.html", preferences_context(request, token_form=form, new_token=new_token)
    )


@login_required
@require_POST
def api_token_revoke(request):
    """Revoke one of the person's own tokens (another's, or none: 404)."""
    prefix = request.POST.get("prefix", "")
    if not prefix:
        raise Http404
    token = get_object_or_404(tokens_of(user=request.user), prefix=prefix)
    token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return HttpResponseRedirect(reverse("preferences") + "#api-tokens")
