from django.conf import settings


def portal(request) -> dict:
    return {"LANGUAGES_AVAILABLE": settings.LANGUAGES}
