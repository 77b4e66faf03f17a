"""The API app's models, one module per feature."""

from .models_webhooks import WebhookDelivery, WebhookEndpoint

__all__ = ["WebhookDelivery", "WebhookEndpoint"]
