"""The audit trail records every download of an MoU's private files and every registry export."""

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.urls import reverse

from mous.models import Mou
from portal.activity import activity_rows
from tests.factories import MilestoneFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def with_document(mou: Mou) -> Mou:
    mou.document.save("stored.pdf", ContentFile(PDF_BYTES), save=False)
    mou.document_name = "Signed MoU.pdf"
    mou.document_content_type = "application/pdf"
    mou.save()
    return mou


def explicit(action: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(additional_data__action=action).order_by("pk"))


def read(response) -> None:
    b"".join(getattr(response, "streaming_content", []))  # reads and closes the file


def test_document_download_is_recorded_for_both_parties(client, roles, mou):
    with_document(mou)
    client.force_login(roles["participant"])

    response = client.get(reverse("mous:document", args=[mou.pk]))
    read(response)

    (entry,) = explicit("mous.document.downloaded")
    assert (response.status_code, entry.action, entry.actor) == (200, LogEntry.Action.ACCESS, roles["participant"])
    assert entry.additional_data["institutions"] == sorted([roles.institution_a.pk, roles.institution_b.pk])
    assert activity_rows([entry])[0].what == "Downloaded the signed document of Teacher exchange"
    assert activity_rows([entry])[0].link == reverse("mous:detail", kwargs={"pk": mou.pk})


def test_refused_document_download_records_nothing(client, roles, mou):
    with_document(mou)
    client.force_login(roles["no_institution"])

    response = client.get(reverse("mous:document", args=[mou.pk]))

    assert (response.status_code, explicit("mous.document.downloaded")) == (404, [])


def test_evidence_download_is_recorded_with_the_milestone(client, roles, mou):
    milestone = MilestoneFactory(mou=mou)
    milestone.evidence_file.save("evidence.pdf", ContentFile(PDF_BYTES))
    client.force_login(roles["secretariat"])

    read(client.get(reverse("mous:milestone_evidence", args=[mou.pk, milestone.pk])))

    (entry,) = explicit("mous.evidence.downloaded")
    assert (entry.actor, entry.additional_data["milestone"]) == (roles["secretariat"], milestone.pk)


def test_secretariat_registry_export_is_recorded_as_full(client, roles, mou):
    client.force_login(roles["secretariat"])

    read(client.get(reverse("mous:registry_export_csv"), {"q": "Teacher"}))
    client.get(reverse("mous:registry_export_xlsx"))

    csv_entry, xlsx_entry = explicit("mous.registry.exported")
    assert (csv_entry.actor, csv_entry.additional_data["full"], csv_entry.additional_data["query"]) == (
        roles["secretariat"],
        True,
        "q=Teacher",
    )
    assert activity_rows([xlsx_entry])[0].what == "Exported the MoU registry (xlsx)"


def test_visitor_export_of_the_public_registry_is_not_recorded(client):
    read(client.get(reverse("mous:registry_export_csv")))

    assert explicit("mous.registry.exported") == []


def test_download_in_the_administration_is_recorded(client, mou):
    with_document(mou)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)

    read(client.get(reverse("admin:mous_mou_private_file", args=[mou.pk, "document"])))

    (entry,) = explicit("mous.file.downloaded")
    assert (entry.actor, entry.object_pk, entry.additional_data["field"]) == (superuser, str(mou.pk), "document")


def test_summary_download_is_recorded(client, roles, mou):
    client.force_login(roles["other_member"])

    response = client.get(reverse("mous:summary_pdf", args=[mou.pk]))

    (entry,) = explicit("mous.summary.downloaded")
    assert (response.status_code, entry.actor, entry.action) == (200, roles["other_member"], LogEntry.Action.ACCESS)
    assert activity_rows([entry])[0].what == "Downloaded the printable summary of Teacher exchange"
