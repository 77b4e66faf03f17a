"""The form of a webhook endpoint; the service (api.webhooks_services) checks what it may be."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models_webhooks import EVENT_CHOICES, WebhookEndpoint


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=WebhookEndpoint._meta.get_field("url").max_length,
        assume_scheme="https",
        help_text=_("Where the portal sends each event, as a signed POST request. It must start with https://."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/webhooks/tvet", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("For yourselves: what receives these events."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple
    )


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("A webhook that is turned off receives no new events.")
    )
