"""The load benchmark's yardstick: a Django view that answers "ok" and does nothing else.

Served by gunicorn with the same options as the portal (``bench.load``), it shows what the
server, Django's request handling and the load generator cost on their own, so that each
page's requests per second can be given as a share of it. No middleware, no database, no
template: ``gunicorn bench.bare``.
"""

import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-view-of-the-load-benchmark",  # noqa: S106 -- signs nothing
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok)]

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402 -- after settings.configure()

application = get_wsgi_application()
