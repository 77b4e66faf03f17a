"""Public answers kept in the cache until the portal's public data changes, as the pages are.

The directory and the registry answer the same call the same way until an institution, MoU,
event or taxonomy changes (``core.pagecache``: any change of a model of ``PAGE_CACHE_APPS``
moves its version on). ``kept_answer`` keeps the JSON data of such an answer per language,
host, path with query and audience (what the caller's rights change in the answer), for at
most ``PAGE_CACHE_SECONDS``, with an ETag computed once; a call naming that ETag in
``If-None-Match`` gets 304 without the answer being built or rendered.
"""

import hashlib
import json

from django.conf import settings
from rest_framework.response import Response

from core.pagecache import kept

from .middleware import etag_matches


def _with_etag(data) -> tuple:
    body = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    return data, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def kept_answer(request, name: str, audience: str, compute) -> Response:
    """``compute()``'s data as a Response, kept (see the module's description)."""
    where = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:32]
    data, etag = kept(
        f"api:{name}:{audience}:{digest}", lambda: _with_etag(compute()), timeout=settings.PAGE_CACHE_SECONDS
    )
    if etag_matches(request, etag):
        return Response(status=304, headers={"ETag": etag})
    return Response(data, headers={"ETag": etag})
