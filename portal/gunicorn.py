"""Gunicorn's access log without the secret that a calendar feed's address carries.

A person's calendar feed is ``/calendar/<token>.ics`` (``matchmaking.feeds``): whoever reads the
URL reads their agenda, and calendar apps fetch it every hour. The access log keeps the token's
prefix, enough to tell the requests of one feed apart, and drops the rest, in the request line,
the path and the Referer alike. ``--logger-class=portal.gunicorn.AccessLogger`` (Dockerfile,
docker-compose.yml) puts it in place; a reverse proxy in front keeps its own log, which its
configuration must treat likewise (README, "Calendar feeds").
"""

import re

from gunicorn.glogging import Logger

# The feed's path: its token is a 10-digit prefix and a 40-digit secret, in hex.
FEED_SECRET = re.compile(r"(/calendar/[0-9a-fA-F]{10})[0-9a-fA-F]+")


def masked(text: str) -> str:
    return FEED_SECRET.sub(r"\1[secret]", text)


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: masked(value) if isinstance(value, str) else value for key, value in atoms.items()}
