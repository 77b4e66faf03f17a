"""Predicates about the shared models; the apps above combine them into their rules.

``core`` knows no roles (the secretariat is defined in ``institutions``), so the rule that
says who opens an import job, ``core.open_import_job`` (its creator and the secretariat), is
registered in ``institutions.permissions`` from the predicate below.
"""

import rules


@rules.predicate
def is_import_job_creator(user, job) -> bool:
    return job is not None and user.is_authenticated and job.created_by_id == user.pk
