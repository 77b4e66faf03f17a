"""The secretariat's import of institutions from a CSV or XLSX file: read, preview, commit.

The flow has two steps and writes only in the second; both run in a Celery worker, as a
:class:`core.models.ImportJob` whose file waits in the private storage under a random name
(:func:`institution_import_start`, then :func:`institution_import_confirm`):

1. :func:`import_preview` reads the file and classifies every row as NEW, UPDATE (the same
   name in the same country, or the same website domain, is already in the portal), DUPLICATE
   (:func:`institutions.duplicates.likely_duplicates` finds a probable match: the secretariat
   chooses per row to skip it, create it anyway or update the match) or ERROR (with a reason
   per field). The job keeps the preview as JSON (:func:`preview_data`) for the page.
2. :func:`import_commit` writes every row in one transaction. Rows with errors block the
   commit, unless the secretariat chose to import the other rows and leave those out (they
   download them with their reasons, correct them and upload them again); a row that fails
   while being written rolls everything back: a failed import writes nothing. The file is classified again first; when the directory changed since the
   preview, nothing is written and the new preview is shown to be confirmed again.

Decisions: reading the file, mapping its columns (:data:`COLUMNS`), the preview's shape and
keeping the file between the steps are shared with the other imports, in :mod:`core.imports`
and :mod:`core.spreadsheets` (encodings: UTF-8 with or without BOM, or UTF-16 with BOM;
anything else is refused rather than guessed). Institutions imported by the secretariat are
verified: the secretariat vouches for its own lists. An update fills in the columns the file
gives (except the English name, which people know it by) and adds sectors, offers and
needs; it never blanks or removes anything.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_log
from core.imports import (
    Column,
    Columns,
    Sheet,
    choice_lookup,
    country_lookup,
    header_key,
    import_confirm,
    import_start,
    preview_payload,
    read_sheet,
    rejected_payload,
    row_failed,
    row_payload,
    rows_to_write,
)
from core.imports import ImportFailed as ImportFailed  # the error every step raises, as before
from core.models import ImportJob
from core.multilingual import FALLBACK_LANGUAGE, clean_translations, language_codes
from core.services import (
    CommitOutcome,
    Progress,
    import_job_commit_run,
    import_job_content,
    import_job_preview_run,
)

from .duplicates import DuplicateMatch, fold, likely_duplicates, registrable_domain
from .languages import WORK_LANGUAGES
from .models import CooperationType, Institution, Need, Offer, Sector
from .onboarding import unique_slug
from .tasks import institution_import_commit_task, institution_import_preview_task

KIND = "institutions"
MAX_ROWS = 2000
MAX_COLUMNS = 40
# Rows between two progress reports.
PROGRESS_EVERY = 50


class RowStatus:
    NEW = "new"
    UPDATE = "update"
    DUPLICATE = "duplicate"
    ERROR = "error"


STATUS_LABELS = {
    RowStatus.NEW: gettext_lazy("new"),
    RowStatus.UPDATE: gettext_lazy("update"),
    RowStatus.DUPLICATE: gettext_lazy("likely duplicate"),
    RowStatus.ERROR: gettext_lazy("error"),
}


class Decision:
    SKIP = "skip"
    CREATE = "create"
    UPDATE = "update"


def _missing_name(missing: list[str]) -> str:
    return _("The first row must name the columns, and one of them must be “name” (名称).")


# The columns a file may have: accepted headers in English and Chinese (compared folded,
# without spaces, dashes or underscores), and which must be there.
COLUMNS = Columns(
    columns=(
        Column(
            "name",
            ("name", "englishname", "nameenglish", "nameen", "institution", "名称", "英文名称", "英文名", "机构名称"),
            required=True,
        ),
        Column(
            "name_local",
            ("namelocal", "localname", "nameinlocalscript", "本地名称", "中文名称", "当地名称", "中文名", "本地名"),
        ),
        Column("acronym", ("acronym", "abbreviation", "shortname", "简称", "缩写")),
        Column("kind", ("kind", "type", "institutiontype", "类型", "机构类型")),
        Column("country", ("country", "国家", "国别")),
        Column("province", ("province", "state", "provinceorstate", "region", "省份", "省", "州")),
        Column("city", ("city", "城市", "市")),
        Column("website", ("website", "url", "web", "网站", "网址")),
        Column("description", ("description", "about", "简介", "描述", "介绍")),
        Column("languages", ("languages", "language", "languagesofwork", "工作语言", "语言")),
        Column("sectors", ("sectors", "sector", "行业", "领域", "专业领域", "产业")),
        Column("offers", ("offers", "offer", "提供", "可提供", "供给")),
        Column("needs", ("needs", "need", "需求")),
        # Translations of the description (written in English): description_zh-hans, description_km, …
        *(Column(f"description_{code}", (f"简介_{code}",)) for code in language_codes() if code != FALLBACK_LANGUAGE),
    ),
    missing_message=_missing_name,
)
TRANSLATION_CODES = [code for code in language_codes() if code != FALLBACK_LANGUAGE]
# A header that names a description in some language: "description_fr", "简介 (ja)", "Description-EN".
_TRANSLATION_HEADER = re.compile(
    r"^\s*(?:description|简介|描述|介绍)\s*[_\-:(（\s]\s*([a-z]{2,3}(?:[_\-][a-z]{2,4})?)\s*[)）]?\s*$",
    re.IGNORECASE,
)
_LIST_SEPARATORS = re.compile(r"[;；,，、\n]+")
_ITEM_SEPARATORS = re.compile(r"[;；\n]+")
_COUNTRY_ALIASES = {
    "viet nam": "VN",
    "lao pdr": "LA",
    "lao people's democratic republic": "LA",
    "brunei darussalam": "BN",
    "burma": "MM",
    "people's republic of china": "CN",
    "prc": "CN",
    "p.r. china": "CN",
    "timor leste": "TL",
    "east timor": "TL",
    "republic of korea": "KR",
    "korea": "KR",
    "the philippines": "PH",
    "中华人民共和国": "CN",
    "中國": "CN",
}


def read_table(*, content: bytes, filename: str) -> Sheet:
    """Return the file read: recognised fields, non-empty rows as ``(row number, {field: text})``, ignored headers.

    Row numbers are those a spreadsheet shows (the header is row 1).
    """
    sheet = read_sheet(content=content, filename=filename, columns=COLUMNS, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    _refuse_unknown_translation_columns(sheet.ignored)
    return sheet


def _refuse_unknown_translation_columns(ignored: list[str]) -> None:
    """Raise ImportFailed for a column that names the description in a language the portal lacks.

    Ignoring it silently would lose the translations the secretariat meant to import.
    """
    for header in ignored:
        found = _TRANSLATION_HEADER.match(header)
        if not found:
            continue
        if found.group(1).lower() == FALLBACK_LANGUAGE:
            raise ImportFailed(
                _(
                    "Column “%(column)s”: the “description” column itself is the English text; "
                    "translations go in columns named description_ with a language code: %(codes)s."
                )
                % {"column": header, "codes": ", ".join(TRANSLATION_CODES)}
            )
        raise ImportFailed(
            _(
                "Column “%(column)s”: “%(language)s” is not a language of the portal. Translations of the "
                "description go in columns named description_ with one of these codes: %(codes)s."
            )
            % {"column": header, "language": found.group(1), "codes": ", ".join(TRANSLATION_CODES)}
        )


# Interpreting ----------------------------------------------------------------------------


class _Vocabulary:
    """Everything a cell may name, loaded once per file: countries, kinds, languages, taxonomies."""

    def __init__(self) -> None:
        self.countries = country_lookup(_COUNTRY_ALIASES)
        self.kinds = choice_lookup(Institution.Kind.choices, Institution.Kind.values)
        self.languages: dict[str, str] = {}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for code, label in WORK_LANGUAGES:
                    self.languages[fold(str(label))] = code
        self.languages.update({code: code for code, _label in WORK_LANGUAGES})
        self.sectors = self._terms(Sector.objects.all())
        self.types = self._terms(CooperationType.objects.all())

    @staticmethod
    def _terms(queryset) -> dict:
        terms = {}
        for term in queryset:
            for text in (term.slug, *term.texts_in_every_language()):
                if text:
                    terms[header_key(text)] = term
        return terms


@dataclass
class ImportRow:
    number: int
    values: dict[str, str]
    data: dict = field(default_factory=dict)
    sectors: list = field(default_factory=list)
    offers: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    translations: dict = field(default_factory=dict)  # {"description": {language: text}}
    errors: list[str] = field(default_factory=list)
    status: str = RowStatus.NEW
    match: Institution | None = None
    candidates: list[DuplicateMatch] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def decision_field(self) -> str:
        return f"row-{self.number}"


@dataclass
class ImportPreview:
    fields: list[str]
    rows: list[ImportRow]
    ignored_headers: list[str]
    sheet: Sheet | None = None  # the file as read, for the rows with errors as uploaded

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in STATUS_LABELS}

    @property
    def has_errors(self) -> bool:
        return any(row.status == RowStatus.ERROR for row in self.rows)

    @property
    def signature(self) -> str:
        """Return a digest of every row's classification, to notice a directory that changed meanwhile."""
        parts = [
            f"{row.number}:{row.status}:{row.match.pk if row.match else ''}:"
            + ",".join(str(c.institution.pk) for c in row.candidates)
            for row in self.rows
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _split_terms(row: ImportRow, text: str, terms: dict, message: str) -> list:
    found = []
    for item in _LIST_SEPARATORS.split(text):
        if not item.strip():
            continue
        term = terms.get(header_key(item))
        if term is None:
            row.errors.append(message % {"value": item.strip()})
        elif term not in found:
            found.append(term)
    return found


def _profile_items(row: ImportRow, text: str, vocabulary: _Vocabulary, column: str) -> list[tuple]:
    items = []
    for item in _ITEM_SEPARATORS.split(text):
        if not item.strip():
            continue
        parts = re.split(r"\s*[/:：|]\s*", item.strip(), maxsplit=1)
        if len(parts) != 2:
            row.errors.append(
                _("%(column)s: “%(value)s” should read “cooperation type / sector”.")
                % {"column": column, "value": item}
            )
            continue
        kind, sector = vocabulary.types.get(header_key(parts[0])), vocabulary.sectors.get(header_key(parts[1]))
        if kind is None:
            row.errors.append(
                _("%(column)s: unknown cooperation type “%(value)s”.") % {"column": column, "value": parts[0]}
            )
        if sector is None:
            row.errors.append(_("%(column)s: unknown sector “%(value)s”.") % {"column": column, "value": parts[1]})
        if kind and sector and (kind, sector) not in items:
            items.append((kind, sector))
    return items


def _interpret(row: ImportRow, vocabulary: _Vocabulary) -> None:
    """Fill ``row.data`` and the taxonomy lists from the cells, recording an error per bad cell."""
    values = row.values
    name = " ".join(values.get("name", "").split())
    if not name:
        row.errors.append(_("name: missing."))
    data = {
        "name": name,
        "name_local": values.get("name_local", ""),
        "acronym": values.get("acronym", ""),
        "province": values.get("province", ""),
        "city": values.get("city", ""),
        "description": values.get("description", ""),
    }
    country_text = values.get("country", "")
    country = vocabulary.countries.get(fold(country_text))
    if not country_text:
        row.errors.append(_("country: missing."))
    elif country is None:
        row.errors.append(_("country: unknown country “%(value)s”.") % {"value": country_text})
    data["country"] = country or ""
    kind_text = values.get("kind", "")
    if kind_text:
        data["kind"] = vocabulary.kinds.get(header_key(kind_text))
        if data["kind"] is None:
            row.errors.append(_("kind: unknown kind “%(value)s”.") % {"value": kind_text})
    website = values.get("website", "")
    if website:
        if "://" not in website:
            website = f"https://{website}"
        try:
            URLValidator()(website)
        except ValidationError:
            row.errors.append(_("website: “%(value)s” is not a web address.") % {"value": values["website"]})
        data["website"] = website
    if values.get("languages"):
        languages = []
        for item in _LIST_SEPARATORS.split(values["languages"]):
            code = vocabulary.languages.get(fold(item.strip()))
            if item.strip() and code is None:
                row.errors.append(_("languages: unknown language “%(value)s”.") % {"value": item.strip()})
            elif code and code not in languages:
                languages.append(code)
        data["languages"] = languages
    row.data = {key: value for key, value in data.items() if value not in ("", None) or key == "name"}
    row.sectors = _split_terms(
        row, values.get("sectors", ""), vocabulary.sectors, _("sectors: unknown sector “%(value)s”.")
    )
    row.offers = _profile_items(row, values.get("offers", ""), vocabulary, _("offers"))
    row.needs = _profile_items(row, values.get("needs", ""), vocabulary, _("needs"))
    described = {code: values[f"description_{code}"] for code in TRANSLATION_CODES if values.get(f"description_{code}")}
    try:
        row.translations = clean_translations({"description": described}, Institution.TRANSLATED_FIELDS, {})
    except ValidationError as exc:
        row.errors.extend(f"description: {message}" for message in exc.messages)
    if row.errors:
        return
    # The model's own limits (lengths, choices), asked of an unsaved instance.
    try:
        Institution(**row.data, slug="x").full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for fieldname, messages in exc.message_dict.items():
            row.errors.extend(f"{fieldname}: {message}" for message in messages)


def _classify(rows: list[ImportRow]) -> None:
    """Set each valid row's status: UPDATE on an exact match, DUPLICATE on a likely one, else NEW."""
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.data.get("name", "").casefold(), row.data.get("country", ""))
        if key[0] and key in seen:
            row.errors.append(_("name: the same institution is already on row %(number)s.") % {"number": seen[key]})
        else:
            seen[key] = row.number
    valid = [row for row in rows if not row.errors]
    names = {row.data["name"].casefold() for row in valid}
    exact = {
        (institution.name.casefold(), str(institution.country)): institution
        for institution in Institution.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=names)
    }
    for row in rows:
        if row.errors:
            row.status = RowStatus.ERROR
            continue
        match = exact.get((row.data["name"].casefold(), row.data["country"]))
        domain = registrable_domain(row.data.get("website", ""))
        if match is None and domain:
            match = next(
                (
                    institution
                    for institution in Institution.objects.filter(website__icontains=domain).order_by("pk")
                    if registrable_domain(institution.website) == domain
                ),
                None,
            )
        if match is not None:
            row.status, row.match = RowStatus.UPDATE, match
            continue
        row.candidates = likely_duplicates(
            name=row.data["name"],
            name_local=row.data.get("name_local", ""),
            acronym=row.data.get("acronym", ""),
            website=row.data.get("website", ""),
            country=row.data["country"],
            limit=3,
        )
        row.status = RowStatus.DUPLICATE if row.candidates else RowStatus.NEW


def import_preview(*, content: bytes, filename: str, progress: Progress | None = None) -> ImportPreview:
    """Read and classify a file of institutions without writing anything.

    Raises ImportFailed when the file as a whole cannot be used (encoding, format, no name
    column, too many rows); problems of single rows are reported on those rows. ``progress``
    is called now and then with the rows done and the rows in all.
    """
    sheet = read_table(content=content, filename=filename)
    vocabulary = _Vocabulary()
    rows = [ImportRow(number=number, values=values) for number, values in sheet.records]
    for done, row in enumerate(rows, start=1):
        _interpret(row, vocabulary)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done // 2, len(rows))
    _classify(rows)
    return ImportPreview(fields=sheet.fields, rows=rows, ignored_headers=sheet.ignored, sheet=sheet)


# Writing --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[Institution] = field(default_factory=list)
    updated: list[Institution] = field(default_factory=list)
    skipped: int = 0
    left_out: int = 0


def _add_profile(institution: Institution, row: ImportRow) -> None:
    if row.sectors:
        institution.sectors.add(*row.sectors)
    for model, items in ((Offer, row.offers), (Need, row.needs)):
        for kind, sector in items:
            model.objects.get_or_create(institution=institution, cooperation_type=kind, sector=sector)


def _write_row(row: ImportRow, decision: str, now) -> tuple[str, Institution | None]:
    if row.status == RowStatus.DUPLICATE and decision == Decision.SKIP:
        return "skipped", None
    target = row.match
    if row.status == RowStatus.DUPLICATE and decision == Decision.UPDATE:
        target = row.candidates[0].institution
    if target is None:  # NEW, or a duplicate the secretariat chose to create anyway
        institution = Institution(
            **row.data,
            translations=row.translations,
            slug=unique_slug(row.data["name"]),
            verification_status=Institution.Verification.VERIFIED,
            verified_at=now,
        )
        institution.full_clean()
        institution.save()
        _add_profile(institution, row)
        return "created", institution
    institution = Institution.objects.select_for_update().get(pk=target.pk)
    for key, value in row.data.items():
        # The English name stays: URLs, MoUs and people know the institution by it.
        if key != "name":
            setattr(institution, key, value)
    # Translations given are added or replace the same language's; the others stay.
    for name, texts in row.translations.items():
        institution.translations = {
            **(institution.translations or {}),
            name: {**(institution.translations or {}).get(name, {}), **texts},
        }
    institution.full_clean(exclude=["slug"])
    institution.save()
    _add_profile(institution, row)
    return "updated", institution


def import_commit(
    *,
    preview: ImportPreview,
    decisions: dict[int, str],
    leave_out_errors: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Write the previewed rows in one transaction; any failure writes nothing.

    ``decisions`` maps the row numbers of likely duplicates to skip / create / update (skip
    when absent). Rows with errors refuse the whole import unless ``leave_out_errors``, when
    only the other rows are written. Raises ImportFailed, naming the row, when a row has
    errors (and they are not left out) or when a row chosen fails to save.
    """
    rows = rows_to_write(preview.rows, has_errors=lambda row: bool(row.errors), leave_out_errors=leave_out_errors)
    result = ImportResult(left_out=len(preview.rows) - len(rows))
    now = timezone.now()
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, len(rows))
            decision = decisions.get(row.number, Decision.SKIP)
            try:
                with transaction.atomic():
                    outcome, institution = _write_row(row, decision, now)
            except (ValidationError, DatabaseError) as exc:
                raise row_failed(number=row.number, exc=exc) from exc
            if outcome == "created":
                result.created.append(institution)
            elif outcome == "updated":
                result.updated.append(institution)
            else:
                result.skipped += 1
    return result


# Running as a background job ------------------------------------------------------------


def preview_data(preview: ImportPreview) -> dict:
    """Return the preview as JSON-ready data for the job and its page, in the active language."""
    return preview_payload(
        total_rows=len(preview.rows),
        counts=preview.counts,
        ignored_headers=preview.ignored_headers,
        has_errors=preview.has_errors,
        signature=preview.signature,
        error_rows=preview.count(RowStatus.ERROR),
        rejected=rejected_payload(sheet=preview.sheet, reasons={row.number: row.errors for row in preview.rows})
        if preview.sheet
        else None,
        fields=preview.fields,
        rows=[
            row_payload(
                number=row.number,
                decision_field=row.decision_field,
                values=row.values,
                fields=("name", "name_local", "country"),
                errors=row.errors,
                status=row.status,
                status_label=row.status_label,
                match={"name": row.match.name, "url": row.match.get_absolute_url()} if row.match else None,
                candidates=[
                    {
                        "name": match.institution.name,
                        "url": match.institution.get_absolute_url(),
                        "country": str(match.institution.country.name),
                        "percent": match.percent,
                        "reasons": [str(reason) for reason in match.reasons],
                    }
                    for match in row.candidates
                ],
            )
            for row in preview.rows
        ],
    )


def institution_import_start(*, created_by, upload, language: str) -> ImportJob:
    """Keep the uploaded file and queue its preview in a worker; nothing else is written.

    Raises ImportFailed when the file must not be read at all (see
    :func:`core.spreadsheets.check_upload`); the rest is found by the preview task.
    """
    return import_start(
        kind=KIND, task=institution_import_preview_task, created_by=created_by, upload=upload, language=language
    )


def institution_import_preview(*, job_id: int) -> None:
    """Classify the job's file and keep the preview on the job (run by the preview task)."""

    def build(job: ImportJob, progress: Progress) -> dict:
        return preview_data(
            import_preview(content=import_job_content(job=job), filename=job.filename, progress=progress)
        )

    import_job_preview_run(job_id=job_id, build=build)


def institution_import_confirm(*, job: ImportJob, decisions: dict[int, str], leave_out_errors: bool = False) -> bool:
    """Record the decisions for likely duplicates and queue the writing; False if not possible.

    ``leave_out_errors``: write only the rows without errors (see :func:`import_commit`).
    """
    allowed = {Decision.SKIP, Decision.CREATE, Decision.UPDATE}
    clean = {str(number): value for number, value in decisions.items() if value in allowed}
    return import_confirm(
        job=job, decisions=clean, task=institution_import_commit_task, leave_out_errors=leave_out_errors
    )


def institution_import_commit(*, job_id: int) -> None:
    """Write the job's rows, all or nothing (run by the commit task).

    The file is classified again: when the directory changed since the preview, nothing is
    written and the job shows the new preview to be confirmed again.
    """

    def commit(job: ImportJob, progress: Progress) -> CommitOutcome:
        preview = import_preview(content=import_job_content(job=job), filename=job.filename)
        if preview.signature != (job.preview or {}).get("signature"):
            return CommitOutcome(
                preview=preview_data(preview),
                warning=_("The directory changed since this preview was made. Check the rows again, then confirm."),
            )
        decisions = {int(number): value for number, value in job.decisions.items()}
        result = import_commit(
            preview=preview, decisions=decisions, leave_out_errors=job.leave_out_errors, progress=progress
        )
        audit_log(
            action="institutions.directory.imported",
            actor=job.created_by,
            target=job,
            data={"created": len(result.created), "updated": len(result.updated)},
        )
        return CommitOutcome(
            result={
                "total_rows": len(preview.rows),
                "created": len(result.created),
                "updated": len(result.updated),
                "skipped": result.skipped,
                "left_out": result.left_out,
            }
        )

    import_job_commit_run(job_id=job_id, commit=commit)
