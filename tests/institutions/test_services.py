"""The institutions app's service layer: keyword-only services, one domain error, no view writes."""

import ast
import inspect
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from institutions import forms, onboarding, services_directory, services_profile, services_shortlist
from institutions.errors import InstitutionError
from institutions.forms import MAX_PROFILE_ITEMS
from institutions.models import Institution, Membership, Offer
from institutions.services_profile import institution_profile_update
from tests.factories import CooperationTypeFactory, InstitutionFactory, MembershipFactory, OfferFactory, SectorFactory
from tests.institutions.test_profile_edit import profile_data

pytestmark = pytest.mark.django_db

SERVICE_MODULES = (onboarding, services_directory, services_profile, services_shortlist)
# Called with a positional name by the two import pipelines; it only computes a slug.
POSITIONAL_ALLOWED = {"institutions.onboarding.unique_slug"}
WRITES = {"save", "delete", "create", "update", "bulk_create", "get_or_create", "update_or_create", "set", "add"}


def _public_functions():
    for module in SERVICE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{module.__name__}.{name}", function


def test_every_public_service_takes_keyword_only_arguments():
    positional = sorted(
        name
        for name, function in _public_functions()
        if name not in POSITIONAL_ALLOWED
        and any(
            parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD, parameter.VAR_POSITIONAL)
            for parameter in inspect.signature(function).parameters.values()
        )
    )

    assert positional == []


def test_no_view_module_of_the_app_writes_to_the_database():
    writes = []
    for path in sorted((Path(settings.BASE_DIR) / "institutions").glob("views*.py")):
        if path.name.startswith("views_import"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
                receiver = ast.unparse(node.func.value)
                if receiver not in {"seen", "messages"}:  # a local set of ids; the messages framework
                    writes.append(f"{path.name}:{node.lineno} {ast.unparse(node.func)}")

    assert writes == []


def test_onboarding_refusals_raise_the_institution_error():
    institution = InstitutionFactory()
    member = MembershipFactory(institution=institution, status=Membership.Status.ACTIVE)

    with pytest.raises(InstitutionError, match="already a member"):
        onboarding.membership_request(user=member.user, institution=institution)

    assert Membership.objects.filter(institution=institution).count() == 1


def _edit_renaming(institution: Institution, name: str) -> forms.ProfileEdit:
    offer_row = {"cooperation_type": str(CooperationTypeFactory().pk), "sector": str(SectorFactory().pk)}
    edit = forms.ProfileEdit(institution, profile_data(institution, name=name, offers=[offer_row]))
    assert edit.is_valid()
    return edit


def test_profile_update_saves_the_profile_and_its_rows():
    institution = InstitutionFactory(name="Old name")
    edit = _edit_renaming(institution, "New name")

    saved = institution_profile_update(form=edit.form, item_formsets=[edit.offers, edit.needs])

    institution.refresh_from_db()
    assert (saved.pk, institution.name, Offer.objects.filter(institution=institution).count()) == (
        institution.pk,
        "New name",
        1,
    )


def test_profile_update_refuses_a_concurrent_clash_and_saves_nothing():
    institution = InstitutionFactory(name="Old name")
    edit = _edit_renaming(institution, "Taken name")
    # Another person gives their institution the same name while this form is being saved.
    InstitutionFactory(name="Taken name", country=institution.country)

    with pytest.raises(InstitutionError, match="Someone changed this profile at the same time"):
        institution_profile_update(form=edit.form, item_formsets=[edit.offers, edit.needs])

    institution.refresh_from_db()
    assert (institution.name, Offer.objects.filter(institution=institution).count()) == ("Old name", 0)


def test_edit_view_shows_a_concurrent_clash_and_saves_nothing(client, roles, monkeypatch):
    institution = roles.institution_a
    old_name = institution.name
    validate = forms.ProfileEdit.is_valid

    def valid_then_clashed(edit):
        result = validate(edit)
        InstitutionFactory(name="Taken name", country=institution.country)
        return result

    monkeypatch.setattr(forms.ProfileEdit, "is_valid", valid_then_clashed)
    client.force_login(roles["institution_admin"])

    response = client.post(
        reverse("institutions:edit", args=[institution.slug]), profile_data(institution, name="Taken name")
    )

    content = response.content.decode()
    institution.refresh_from_db()
    assert (response.status_code, institution.name) == (200, old_name)
    assert "Someone changed this profile at the same time. Check it and save again." in content
    assert "Nothing was saved: please correct the errors shown below." in content


def test_add_row_past_the_limit_answers_the_limit_notice(client, roles):
    client.force_login(roles["institution_admin"])
    url = reverse("institutions:edit_row", args=[roles.institution_a.slug, "offers"])

    response = client.get(url, {"offers-TOTAL_FORMS": str(MAX_PROFILE_ITEMS)}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200
    assert f"A profile lists at most {MAX_PROFILE_ITEMS} rows here; remove one before adding another." in content
    assert "<html" not in content


def test_edit_page_shows_a_row_marked_for_removal_as_removed(client, roles):
    institution = roles.institution_a
    offer = OfferFactory(institution=institution)
    client.force_login(roles["institution_admin"])
    row = {"id": str(offer.pk), "cooperation_type": str(offer.cooperation_type_id), "sector": str(offer.sector_id)}

    # "Add a need" re-renders the page without saving: the offer marked for removal stays removed.
    response = client.post(
        reverse("institutions:edit", args=[institution.slug]),
        profile_data(institution, offers=[{**row, "DELETE": "on"}], add="needs"),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<input type="hidden" name="offers-0-id" value="{offer.pk}">' in content
    assert '<input type="hidden" name="offers-0-DELETE" value="on">' in content
    assert "Removed: this row will be deleted when you save the profile." in content
    assert Offer.objects.filter(pk=offer.pk).exists()
