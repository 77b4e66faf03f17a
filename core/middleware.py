from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"
FORM_TYPE = "application/x-www-form-urlencoded"


def has_nul_byte(request) -> bool:
    """Whether the path, the query string or the posted form fields hold a NUL byte.

    Uploads (multipart bodies) are left to their own checks: reading them here would parse
    every file before the view could refuse it.
    """
    if NUL in request.path:
        return True
    params = [request.GET]
    if request.method == "POST" and request.content_type == FORM_TYPE:
        params.append(request.POST)
    return any(NUL in key or any(NUL in value for value in values) for query in params for key, values in query.lists())


class RejectNulBytesMiddleware:
    """Answer 400 to a request carrying a NUL byte, before any view sees it.

    No valid input of the portal holds one, and PostgreSQL cannot store or compare text with
    one: a NUL that reached a query would answer 500 (a search box, a token in a link).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul_byte(request):
            return render(
                request,
                "400.html",
                {"message": _("The address or the form holds a character that is not allowed.")},
                status=400,
            )
        return self.get_response(request)
