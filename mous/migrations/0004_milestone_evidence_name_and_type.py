import secrets
from pathlib import PurePosixPath

from django.db import migrations, models

EXTENSIONS = {".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png"}
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def store_evidence_under_random_names(apps, schema_editor):
    """Move evidence files stored under their uploader's name to random names, keeping the name.

    The old name becomes ``evidence_name`` (offered back on download) and the type is read
    from the file's first bytes. A file missing from the storage keeps its row unchanged.
    """
    Milestone = apps.get_model("mous", "Milestone")
    storage = Milestone._meta.get_field("evidence_file").storage
    for item in Milestone.objects.exclude(evidence_file="").filter(evidence_name="").iterator():
        old = item.evidence_file.name
        if not storage.exists(old):
            continue
        with storage.open(old, "rb") as handle:
            head = handle.read(16)
            handle.seek(0)
            extension = EXTENSIONS.get(PurePosixPath(old).suffix.lower(), "bin")
            new = storage.save(f"mous/evidence/{secrets.token_hex(16)}.{extension}", handle)
        item.evidence_file.name = new
        item.evidence_name = PurePosixPath(old).name[:200]
        item.evidence_content_type = next((kind for sign, kind in SIGNATURES if head.startswith(sign)), "")
        item.save(update_fields=["evidence_file", "evidence_name", "evidence_content_type"])
        storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("mous", "0003_registry_documents_activity"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmilestone",
            name="evidence_content_type",
            field=models.CharField(blank=True, max_length=60, verbose_name="evidence file type"),
        ),
        migrations.AddField(
            model_name="historicalmilestone",
            name="evidence_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="evidence file name"),
        ),
        migrations.AddField(
            model_name="milestone",
            name="evidence_content_type",
            field=models.CharField(blank=True, max_length=60, verbose_name="evidence file type"),
        ),
        migrations.AddField(
            model_name="milestone",
            name="evidence_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="evidence file name"),
        ),
        migrations.RunPython(store_evidence_under_random_names, migrations.RunPython.noop, elidable=True),
    ]
