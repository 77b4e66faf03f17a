"""The kind of email the outbox harness sends (`python -m bench.outbox`).

Only the harness's own Celery workers import this module (``celery worker --include``), so the
portal itself never knows the kind.
"""

from core.outbox import Rendered, renderer

KIND = "bench_reminder"


@renderer(KIND)
def render_reminder(email):
    number = email.context.get("n", 0)
    return Rendered(
        subject=f"Meeting reminder {number}",
        text=f"Your meeting number {number} starts in one hour.\n",
    )
