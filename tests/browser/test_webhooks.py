"""An institution admin, on a phone, adds a webhook from the institution's page, sends it a test
event that a real receiver answers, reads the signing secret and deletes the webhook again."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD
from portal.models import User
from tests.browser.conftest import read_in_english, sign_in


def test_institution_admin_adds_tries_and_deletes_a_webhook(mobile_page, audit):
    page = mobile_page
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{receiver.server_address[1]}/tvet-hooks"
    try:
        institution = User.objects.get(email="admin@example.org").memberships.get().institution
        sign_in(page, "admin@example.org", DEMO_PASSWORD)
        read_in_english(page)
        page.goto(institution.get_absolute_url())
        page.get_by_role("link", name="Webhooks", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
        audit(page)

        page.get_by_label("Address (URL)").fill(address)
        page.get_by_label("An MoU was logged").check()
        page.get_by_role("button", name="Add the webhook").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Webhook")
        expect(page.get_by_text(address)).to_be_visible()
        audit(page)

        page.get_by_role("button", name="Send a test event").click()
        deliveries = page.get_by_role("region", name="Recent deliveries")
        expect(deliveries.get_by_role("cell", name="delivered")).to_be_visible()
        assert [event["type"] for event in received] == ["webhook.test"]
        audit(page)

        page.get_by_role("button", name="Show the secret").click()
        expect(page.locator("#webhook-secret")).to_contain_text("whsec_")
        audit(page)

        page.get_by_role("button", name="Delete this webhook").click()
        expect(page.get_by_text("No webhook yet.")).to_be_visible()
    finally:
        receiver.shutdown()
        receiver.server_close()
    audit.assert_clean()
