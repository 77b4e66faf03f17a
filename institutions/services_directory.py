"""Writes behind the directory: the audit entry of an export."""

from django.contrib.auth.base_user import AbstractBaseUser

from core.audit import audit_log


def directory_export_record(*, actor: AbstractBaseUser, file_format: str, query: str) -> None:
    """Record in the audit trail that ``actor`` exported the directory as ``file_format``.

    Side effect: one ``institutions.directory.exported`` entry, with the format and the
    export's query string (the filters applied), so the secretariat sees who took which list.
    """
    audit_log(action="institutions.directory.exported", actor=actor, data={"format": file_format, "query": query})
