from django.db import migrations

from institutions.text import script_grams


def fill(apps, schema_editor):
    Institution = apps.get_model("institutions", "Institution")
    Offer = apps.get_model("institutions", "Offer")
    Need = apps.get_model("institutions", "Need")
    offers: dict[int, set[str]] = {}
    needs: dict[int, set[str]] = {}
    for model, keys in ((Offer, offers), (Need, needs)):
        for institution_id, type_id, sector_id in model.objects.values_list(
            "institution_id", "cooperation_type_id", "sector_id"
        ):
            keys.setdefault(institution_id, set()).add(f"{type_id}:{sector_id}")
    for institution in Institution.objects.all().iterator():
        institution.search_grams = script_grams(
            institution.name,
            institution.name_local,
            institution.acronym,
            institution.city,
            institution.province,
            institution.description,
        )
        institution.offer_keys = sorted(offers.get(institution.pk, ()))
        institution.need_keys = sorted(needs.get(institution.pk, ()))
        institution.save(update_fields=["search_grams", "offer_keys", "need_keys"])


class Migration(migrations.Migration):
    dependencies = [("institutions", "0003_search_shortlist_invitations_contact")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
