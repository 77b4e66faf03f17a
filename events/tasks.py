from celery import shared_task


@shared_task(name="events.purge_personal_data")
def purge_personal_data_task() -> int:
    """Purge personal data of events past the retention period (nightly); returns rows purged."""
    from .retention import personal_data_purge

    return personal_data_purge().registrations
