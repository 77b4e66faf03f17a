"""MoU titles, summaries and milestones in several languages: storage, forms, pages, search, files."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from core import outbox
from core.models import OutboundEmail
from core.multilingual import content_languages
from institutions.agreements import agreement_titles
from mous import lifecycle
from mous.models import Milestone, Mou
from mous.services import refresh_party_countries
from tests.factories import InstitutionFactory, MilestoneFactory, MouFactory, MouPartyFactory
from tests.mous.test_ceremony import post_data, row, shared_data
from tests.mous.test_logging import form_data

pytestmark = pytest.mark.django_db

REGISTRY = reverse("mous:registry")
TITLE_ZH = "智能制造领域师资培训谅解备忘录"
TITLE_KM = "អនុស្សរណៈនៃការយោគយល់គ្នាស្តីពីការបណ្តុះបណ្តាលគ្រូក្នុងវិស័យផលិតកម្មឆ្លាតវៃ"


def translated_mou(roles, **kwargs) -> Mou:
    """A public MoU between A and B, written in English, with Chinese and Khmer titles."""
    kwargs.setdefault("title", "MoU on teacher training in intelligent manufacturing")
    kwargs.setdefault("summary", "Shared teacher training.")
    kwargs.setdefault("translations", {"title": {"zh-hans": TITLE_ZH, "km": TITLE_KM}})
    kwargs.setdefault("is_public", True)
    mou = MouFactory(**kwargs)
    MouPartyFactory(mou=mou, institution=roles.institution_a, position=0)
    MouPartyFactory(mou=mou, institution=roles.institution_b, position=1)
    refresh_party_countries(mou=mou)
    return mou


# --- The model ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "expected", "fallback"),
    [("km", TITLE_KM, False), ("zh-hans", TITLE_ZH, False), ("th", "Teacher training", True)],
)
def test_mou_title_in_the_readers_language_then_english(reader, expected, fallback):
    mou = MouFactory(title="Teacher training", translations={"title": {"zh-hans": TITLE_ZH, "km": TITLE_KM}})

    title = mou.localized("title", reader)

    assert (str(title), title.is_fallback) == (expected, fallback)


def test_mou_written_in_chinese_without_english_falls_back_to_the_original():
    mou = MouFactory(title=TITLE_ZH, original_language="zh-hans", translations={"title": {"km": TITLE_KM}})

    title = mou.localized("title", "vi")

    assert (str(title), title.language, title.is_fallback) == (TITLE_ZH, "zh-hans", True)


def test_search_text_is_kept_on_save_with_every_language_in_lower_case():
    mou = MouFactory(title="Teacher Training", reference="KH-01", summary="")

    mou.translations = {"title": {"zh-hans": TITLE_ZH}, "summary": {"km": "សង្ខេប"}}
    mou.save(update_fields=["translations"])

    mou.refresh_from_db()
    assert mou.search_text.split("\n") == ["kh-01", "teacher training", TITLE_ZH, "សង្ខេប"]
    assert {"te", "师资", "សង"} <= set(mou.search_grams)


def test_milestone_title_and_description_take_translations():
    milestone = MilestoneFactory(title="First cohort", translations={"title": {"km": "វគ្គទីមួយ"}})

    assert str(milestone.localized("title", "km")) == "វគ្គទីមួយ"
    assert str(milestone.localized("title", "th")) == "First cohort"


# --- Forms -----------------------------------------------------------------------------------


def test_mou_form_saves_the_language_and_translations(client, roles):
    client.force_login(roles["secretariat"])
    data = form_data(
        [roles.institution_a, roles.institution_b],
        title="教师培训",
        original_language="zh-hans",
        **{
            "translation_title_en": "Teacher training",
            "translation_title_km": "ការបណ្តុះបណ្តាលគ្រូ",
            "translation_title_zh-hans": "ignored: the original is Chinese",
            "translation_summary_th": "การฝึกอบรมครู",
        },
    )

    response = client.post(reverse("mous:new"), data)

    mou = Mou.objects.get()
    assert response.status_code == 302
    assert (mou.title, mou.original_language) == ("教师培训", "zh-hans")
    assert mou.translations == {
        "title": {"en": "Teacher training", "km": "ការបណ្តុះបណ្តាលគ្រូ"},
        "summary": {"th": "การฝึกอบรมครู"},
    }
    assert "teacher training" in mou.search_text


def test_mou_form_shows_the_translations_section(client, roles):
    mou = translated_mou(roles)
    client.force_login(roles["secretariat"])

    page = client.get(reverse("mous:edit", args=[mou.pk])).content.decode()

    assert 'name="original_language"' in page
    assert f'value="{TITLE_KM}"' in page
    assert 'name="translation_summary_lo"' in page


def test_a_too_long_translation_is_refused_and_changes_nothing(client, roles):
    mou = translated_mou(roles)
    client.force_login(roles["secretariat"])
    data = form_data(
        [roles.institution_a, roles.institution_b],
        title="Changed title",
        original_language="en",
        **{"translation_title_km": "ក" * 301},
    )
    del data["status"]  # status changes belong to the lifecycle page
    data["parties-INITIAL_FORMS"] = "2"

    response = client.post(reverse("mous:edit", args=[mou.pk]), data)

    assert response.status_code == 200
    assert "translation_title_km" in response.context["edit"].form.errors
    mou.refresh_from_db()
    assert mou.title == "MoU on teacher training in intelligent manufacturing"
    assert mou.translations == {"title": {"zh-hans": TITLE_ZH, "km": TITLE_KM}}


def test_an_unknown_language_of_the_text_is_refused_and_changes_nothing(client, roles):
    mou = translated_mou(roles)
    client.force_login(roles["secretariat"])
    data = form_data([roles.institution_a, roles.institution_b], title="Changed", original_language="xx")
    del data["status"]
    data["parties-INITIAL_FORMS"] = "2"

    response = client.post(reverse("mous:edit", args=[mou.pk]), data)

    assert "original_language" in response.context["edit"].form.errors
    mou.refresh_from_db()
    assert (mou.title, mou.original_language) == ("MoU on teacher training in intelligent manufacturing", "en")


def test_ceremony_records_the_language_of_the_titles(client, roles):
    cn = InstitutionFactory(country="CN")
    client.force_login(roles["secretariat"])
    shared = {**shared_data(), "original_language": "km"}

    response = client.post(
        reverse("mous:ceremony"), post_data(shared, [row("ការបណ្តុះបណ្តាលគ្រូ", roles.institution_a, cn)])
    )

    assert response.status_code == 302
    assert list(Mou.objects.values_list("title", "original_language")) == [("ការបណ្តុះបណ្តាលគ្រូ", "km")]


def test_ceremony_refuses_an_unknown_language_and_saves_nothing(client, roles):
    cn = InstitutionFactory(country="CN")
    client.force_login(roles["secretariat"])
    shared = {**shared_data(), "original_language": "xx"}

    response = client.post(reverse("mous:ceremony"), post_data(shared, [row("Title", roles.institution_a, cn)]))

    assert response.status_code == 200
    assert Mou.objects.count() == 0


def test_milestone_form_saves_translations(client, roles, mou):
    client.force_login(roles["institution_admin"])

    client.post(
        reverse("mous:milestone_add", args=[mou.pk]),
        {
            "milestone-title": "First cohort",
            "milestone-status": "planned",
            "milestone-original_language": "en",
            "milestone-translation_title_km": "វគ្គទីមួយ",
            "milestone-translation_description_zh-hans": "第一期",
        },
    )

    milestone = Milestone.objects.get()
    assert milestone.translations == {"title": {"km": "វគ្គទីមួយ"}, "description": {"zh-hans": "第一期"}}


# --- Pages ----------------------------------------------------------------------------------


def test_mou_page_in_khmer_shows_the_khmer_texts_without_a_note(client, roles):
    mou = translated_mou(roles, translations={"title": {"km": TITLE_KM}, "summary": {"km": "ការបណ្តុះបណ្តាលគ្រូរួមគ្នា។"}})

    page = client.get(mou.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="km").content.decode()

    assert f"<h1>{TITLE_KM}</h1>" in page
    assert "<div><p>ការបណ្តុះបណ្តាលគ្រូរួមគ្នា។</p></div>" in page
    assert "fallback-note" not in page
    assert "Shared teacher training." not in page


def test_mou_page_in_khmer_notes_an_english_summary(client, roles):
    mou = translated_mou(roles)

    page = client.get(mou.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="km").content.decode()

    assert f"<h1>{TITLE_KM}</h1>" in page
    assert '<div lang="en"><p>Shared teacher training.</p></div>' in page
    assert page.count('class="fallback-note') == 1


def test_mou_page_in_thai_shows_english_marked_and_says_so(client, roles):
    mou = translated_mou(roles)

    response = client.get(mou.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="th")

    page = response.content.decode()
    assert '<h1 lang="en">MoU on teacher training in intelligent manufacturing</h1>' in page
    assert '<div lang="en"><p>Shared teacher training.</p></div>' in page
    assert page.count('class="fallback-note') == 2
    assert TITLE_KM not in page


def test_registry_rows_show_the_readers_language(client, roles):
    mou = translated_mou(roles)

    chinese = client.get(REGISTRY, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    thai = client.get(REGISTRY, HTTP_ACCEPT_LANGUAGE="th").content.decode()

    assert f'<a href="{mou.get_absolute_url()}">{TITLE_ZH}</a>' in chinese
    assert f'<a href="{mou.get_absolute_url()}" lang="en">{mou.title}</a>' in thai


@pytest.mark.parametrize("query", ["师资培训", "ផលិតកម្មឆ្លាតវៃ", "TEACHER TRAINING", "shared teacher"])
def test_registry_search_finds_a_title_or_summary_in_any_language(client, roles, query):
    mou = translated_mou(roles)
    translated_mou(roles, title="Rail academy", summary="", translations={"title": {"zh-hans": "轨道交通学院"}})

    response = client.get(REGISTRY, {"q": query}, HTTP_ACCEPT_LANGUAGE="en")

    assert [found.pk for found in response.context["page_obj"]] == [mou.pk]


def test_registry_search_of_one_character_compares_the_text(client, roles):
    mou = translated_mou(roles)
    translated_mou(roles, title="Rail academy", summary="", translations={})

    response = client.get(REGISTRY, {"q": "资"})

    assert [found.pk for found in response.context["page_obj"]] == [mou.pk]


def test_export_has_the_original_title_and_one_column_per_language(client, roles):
    mou = translated_mou(roles)

    response = client.get(reverse("mous:registry_export_csv"), HTTP_ACCEPT_LANGUAGE="en")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, (values,) = rows[0], rows[1:]
    record = dict(zip(header, values, strict=True))
    assert header[1:5] == ["Title", "Language of the title", "Title (English)", "Title (简体中文)"]
    assert record["Title"] == mou.title
    assert record["Language of the title"] == "English"
    assert record["Title (English)"] == mou.title
    assert record["Title (简体中文)"] == TITLE_ZH
    names = dict(content_languages())
    assert record[f"Title ({names['km']})"] == TITLE_KM
    assert record[f"Title ({names['th']})"] == ""
    assert record["Parties"] == f"{roles.institution_a.name}; {roles.institution_b.name}"


def test_summary_pdf_is_in_the_documents_language(client, roles):
    mou = translated_mou(roles)

    response = client.get(reverse("mous:summary_pdf", args=[mou.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")

    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "\n".join(page.extract_text() for page in pages).replace("\x00", "")  # pypdf's CID spacing
    assert "谅解备忘录" in text
    assert "intelligent manufacturing" not in text


def test_expiry_email_gives_the_title_in_the_recipients_language(roles):
    today = timezone.localdate()
    mou = translated_mou(roles, status=Mou.Status.ACTIVE, valid_until=today + timedelta(days=30))
    admin = roles["institution_admin"]
    admin.preferred_language = "km"
    admin.save()
    lifecycle.queue_expiry_reminders(today=today)
    email = OutboundEmail.objects.get(kind=lifecycle.EXPIRY_KIND, user=admin)

    with translation.override("en"):  # the sender's language does not matter
        rendered = outbox.render(email)

    assert TITLE_KM in rendered.subject
    assert TITLE_KM in rendered.text
    assert mou.title not in rendered.text


def test_timeline_names_a_translation_change_by_field_and_language(roles, mou):
    mou.translations = {"title": {"km": "ការផ្លាស់ប្តូរគ្រូ"}}
    mou._history_user = roles["secretariat"]
    mou.save()

    entries = lifecycle.timeline(mou=mou)

    changes = [change for entry in entries for change in entry.changes if change.new.startswith("title")]
    assert [(change.old, change.new) for change in changes] == [("—", "title (ខ្មែរ): ការផ្លាស់ប្តូរគ្រូ")]


def test_admin_refuses_translations_it_cannot_store_and_changes_nothing(rf, admin_user, roles):
    from django.contrib import admin

    mou = translated_mou(roles)
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site._registry[Mou].get_form(request, mou)
    data = {
        "title": mou.title,
        "status": mou.status,
        "signed_on": mou.signed_on.isoformat(),
        "original_language": "en",
        "translations": '{"title": {"xx": "?"}}',
    }

    form = form_class(data, instance=mou)

    assert not form.is_valid()
    assert list(form.errors["translations"]) == ["“xx” is not a language of the portal."]
    mou.refresh_from_db()
    assert mou.translations == {"title": {"zh-hans": TITLE_ZH, "km": TITLE_KM}}


def test_agreement_titles_follow_the_readers_language(roles):
    translated_mou(roles)

    with translation.override("km"):
        khmer = agreement_titles(institution_id=roles.institution_a.pk, other_ids=[roles.institution_b.pk])
    with translation.override("th"):
        thai = agreement_titles(institution_id=roles.institution_a.pk, other_ids=[roles.institution_b.pk])

    assert khmer == {roles.institution_b.pk: TITLE_KM}
    assert thai == {roles.institution_b.pk: "MoU on teacher training in intelligent manufacturing"}


def test_network_table_names_the_mou_in_the_readers_language(client, roles):
    translated_mou(roles)
    person = roles["participant"]
    person.preferred_language = "zh-hans"
    person.save()
    client.force_login(person)

    page = client.get(reverse("mous:network")).content.decode()

    assert f"<td>{TITLE_ZH}</td>" in page
