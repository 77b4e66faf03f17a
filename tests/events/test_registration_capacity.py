"""Capacity holds when people register for the last places at the same moment."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from events.models import Registration
from tests.factories import EventFactory, MembershipFactory, UserFactory

THREADS = 8
CAPACITY = 3


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_exceed_capacity():
    event = EventFactory(capacity=CAPACITY)
    people = [MembershipFactory(user=UserFactory(verified_email=True)).user for _ in range(THREADS)]
    url = reverse("events:register", kwargs={"slug": event.slug})
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(user) -> None:
        try:
            client = Client()
            client.force_login(user)
            institution_id = user.memberships.get().institution_id
            start.wait()  # every thread posts at the same moment
            response = client.post(url, {"institution": institution_id, "role": "delegate"})
            if response.status_code == 302:
                outcome = "registered"
            elif "This event is full" in response.content.decode():
                outcome = "full"
            else:
                outcome = f"unexpected {response.status_code}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=attempt, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["full"] * (THREADS - CAPACITY) + ["registered"] * CAPACITY
    assert Registration.objects.filter(event=event).count() == CAPACITY
