"""Every email goes through the outbox: no module of the portal sends mail any other way."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "institutions", "events", "matchmaking", "mous", "portal")
DIRECT_SEND = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|EmailMultiAlternatives|get_connection)\b"
)


def test_only_the_outbox_sends_mail():
    senders = sorted(
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and DIRECT_SEND.search(path.read_text(encoding="utf-8"))
    )

    assert senders == ["core/outbox.py"]
