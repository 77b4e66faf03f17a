"""The outbox's writes take keyword arguments only, like every other service."""

import inspect

import pytest

from core import outbox


@pytest.mark.parametrize("name", ["enqueue", "enqueue_many", "send_soon", "send_now", "cancel", "deliver", "retry"])
def test_outbox_writes_take_keyword_arguments_only(name):
    parameters = inspect.signature(getattr(outbox, name)).parameters.values()

    assert [parameter.name for parameter in parameters if parameter.kind != parameter.KEYWORD_ONLY] == []


@pytest.mark.django_db
def test_cancel_stops_only_the_named_waiting_emails(django_user_model):
    user = django_user_model.objects.create_user(email="dara@example.org")
    kept = outbox.enqueue(key="kept", kind="test", user=user)
    stopped = outbox.enqueue(key="stopped", kind="test", user=user)

    assert outbox.cancel(keys=["stopped", "unknown"]) == 1

    kept.refresh_from_db()
    stopped.refresh_from_db()
    assert (kept.state, stopped.state) == (outbox.State.PENDING, outbox.State.CANCELLED)
