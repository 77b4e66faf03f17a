"""An organiser's import of a participant list (CSV or XLSX) into an event: read, preview, commit.

Secretariats receive participant lists as spreadsheets from partner ministries and colleges.
The flow has two steps and writes only in the second:

1. :func:`participants_preview` reads the file and describes what each row would do: the
   person (an existing account matched by email, case-insensitively, or a new account), the
   institution (an exact match by name, local name or acronym in the row's country; a *likely*
   match found by :func:`institutions.duplicates.likely_duplicates`, which the organiser accepts
   or overrides to create a new one; or a new, unverified institution), the role, the
   delegation (matched by name within the event, or created), and flags: the same email twice
   in the file and bad cells are errors that block the import, unless the organiser chooses to
   import the other rows and leave those out (to download them with their reasons, correct
   them and upload them again); a person already registered for the event is skipped unless
   the organiser chooses to update the registration.
2. :func:`participants_commit` writes everything chosen in one transaction; any failure rolls
   it all back and names the row.

Both steps run in a Celery worker, as a :class:`core.models.ImportJob` whose file waits in the
private storage under a random name (:func:`participant_import_start`, then
:func:`participant_import_confirm`); the job keeps the preview as JSON (:func:`preview_data`).
Before writing, the file is classified again: when the data changed since the preview, nothing
is written and the new preview is shown to be confirmed again.

Decisions, for the people who maintain this:

- New registrations are APPROVED: the organiser who uploads the list vouches for the people on
  it, as the secretariat does when a ministry sends its delegation. The event's capacity is
  not enforced on imports for the same reason; the preview shows the resulting total.
- New accounts get an unusable password and an UNVERIFIED email address. After the commit each
  receives one email with a password-reset link; setting the password proves they own the
  address, and allauth asks them to confirm it on the first login.
- New people become active members of the institution the file names (the organiser vouches
  for that too). Existing accounts get no new membership: an organiser must not grant someone
  the right to act for an institution; the registration records the affiliation for this event.
- New institutions are unverified, like those created at sign-up.
- The likely-match decision is made once per distinct institution name in the file (a list
  of 4,000 people names the same college many times), defaulting to accepting the match.
- The "set your password" emails are queued in the outbox in the commit's transaction, one
  row per person, and handed to the outbox's workers once it commits.
- Speed: a 4,000-row file must preview and commit in well under 30 s, so lookups are batched
  (one query for users, one for institutions, one for registrations, one for delegations) and
  writes use ``bulk_create``; ``likely_duplicates`` (slow on 50,000 institutions) runs only for
  institution names without an exact match, once per distinct name and country.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from core import outbox
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
    squeeze,
)
from core.imports import ImportFailed as ImportFailed  # the error every step raises, as before
from core.models import ImportJob
from core.pagecache import public_pages_changed
from core.services import (
    CommitOutcome,
    ImportJobError,
    Progress,
    import_job_commit_run,
    import_job_content,
    import_job_preview_run,
)
from institutions.duplicates import DuplicateMatch, fold, likely_duplicates
from institutions.filters import directory_version
from institutions.models import Institution, Membership
from institutions.onboarding import unique_slug

from . import emails
from .models import Delegation, Event, Registration
from .tasks import participant_import_commit_task, participant_import_preview_task

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 40
EXTENSIONS = (".csv", ".xlsx")
LIKELY_CACHE_SECONDS = 30 * 60
KIND = "event_participants"
# Rows without anything to decide or correct kept in the preview; the rest are only counted.
PREVIEW_PLAIN_ROWS = 100
PROGRESS_EVERY = 100


class Decision:
    """What to do with a likely institution match, or with a person already registered."""

    ACCEPT = "accept"
    CREATE = "create"
    SKIP = "skip"
    UPDATE = "update"


# The columns a file may have: accepted headers in English and Chinese (compared folded,
# without spaces, dashes or underscores), and which must be there.
COLUMNS = Columns(
    columns=(
        Column(
            "name",
            ("name", "fullname", "participant", "participantname", "姓名", "名字", "参会人", "参会人员"),
            required=True,
        ),
        Column("email", ("email", "emailaddress", "mail", "邮箱", "电子邮箱", "电子邮件", "邮件"), required=True),
        Column("title", ("title", "jobtitle", "position", "designation", "职务", "职位", "职称"), cleaner=squeeze),
        Column(
            "institution",
            (
                "institution",
                "organisation",
                "organization",
                "institutionname",
                "school",
                "机构",
                "单位",
                "机构名称",
                "单位名称",
                "学校",
            ),
            required=True,
        ),
        Column("country", ("country", "国家", "国别"), required=True),
        Column("role", ("role", "participantrole", "角色", "身份")),
        Column("delegation", ("delegation", "group", "代表团", "团组"), cleaner=squeeze),
    )
)
_COUNTRY_ALIASES = {
    "viet nam": "VN",
    "vietnam": "VN",
    "lao pdr": "LA",
    "laos": "LA",
    "brunei darussalam": "BN",
    "burma": "MM",
    "people's republic of china": "CN",
    "prc": "CN",
    "p.r. china": "CN",
    "timor leste": "TL",
    "east timor": "TL",
    "the philippines": "PH",
    "russian federation": "RU",
    "中华人民共和国": "CN",
    "中國": "CN",
    "越南": "VN",
    "东帝汶": "TL",
    "文莱": "BN",
}
_ROLE_ALIASES = {
    "代表": Registration.Role.DELEGATE,
    "参会代表": Registration.Role.DELEGATE,
    "发言人": Registration.Role.SPEAKER,
    "演讲嘉宾": Registration.Role.SPEAKER,
    "嘉宾": Registration.Role.SPEAKER,
    "主办方": Registration.Role.ORGANISER,
    "组织者": Registration.Role.ORGANISER,
    "观察员": Registration.Role.OBSERVER,
    "媒体": Registration.Role.PRESS,
    "记者": Registration.Role.PRESS,
    "participant": Registration.Role.DELEGATE,
}


def _name_key(text: str) -> str:
    """Return the form under which two spellings of an institution name count as the same."""
    return " ".join((text or "").split()).casefold()


# Reading -------------------------------------------------------------------------------


def read_participants(*, content: bytes, filename: str) -> Sheet:
    """Return the file read: non-empty rows as ``(row number, {field: text})``, ignored headers.

    Row numbers are those a spreadsheet shows (the header is row 1). Raises ImportFailed when
    the file as a whole is unusable.
    """
    if len(content) > MAX_BYTES:
        raise ImportFailed(_("The file is larger than 5 MB: split it into several imports."))
    return read_sheet(content=content, filename=filename, columns=COLUMNS, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)


# Interpreting ----------------------------------------------------------------------------


def _country_lookup() -> dict[str, str]:
    return country_lookup(_COUNTRY_ALIASES)


def _role_lookup() -> dict[str, str]:
    lookup = choice_lookup(Registration.Role.choices, Registration.Role.values)
    lookup.update({header_key(alias): value for alias, value in _ROLE_ALIASES.items()})
    return lookup


@dataclass
class InstitutionChoice:
    """One distinct institution named in the file, with what it resolves to."""

    key: tuple[str, str]  # (name key, country code)
    name: str
    country: str
    match: Institution | None = None  # exact match
    likely: DuplicateMatch | None = None  # best likely match, for the organiser to accept or not
    rejected: bool = False  # named exactly like an institution the secretariat rejected
    number: int = 0  # first row naming it

    @property
    def decision_field(self) -> str:
        return f"institution-{self.number}"


@dataclass
class ParticipantRow:
    number: int
    values: dict[str, str]
    name: str = ""
    email: str = ""
    job_title: str = ""
    country: str = ""
    role: str = Registration.Role.DELEGATE
    delegation_name: str = ""
    errors: list[str] = field(default_factory=list)
    user: object | None = None  # an existing account
    registration: Registration | None = None  # an existing registration for this event
    institution: InstitutionChoice | None = None
    delegation: Delegation | None = None  # an existing delegation

    @property
    def decision_field(self) -> str:
        return f"row-{self.number}"

    @property
    def role_label(self) -> str:
        return Registration.Role(self.role).label


@dataclass
class ParticipantPreview:
    event: Event
    rows: list[ParticipantRow]
    ignored_headers: list[str]
    institutions: list[InstitutionChoice]
    sheet: Sheet | None = None  # the file as read, for the rows with errors as uploaded

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> list[ParticipantRow]:
        return [row for row in self.rows if row.errors]

    def rows_to_show(self, plain_limit: int = 100) -> tuple[list[ParticipantRow], int]:
        """Return the rows a person should look at, and how many plain rows are left out.

        Every row that needs attention (an error, a person already registered, an institution
        without an exact match) is shown; of the plain rows only the first ``plain_limit``, so
        that the preview of a 4,000-row list stays readable and quick to render.
        """
        shown, hidden = [], 0
        for row in self.rows:
            attention = row.errors or row.registration is not None or row.institution.match is None
            if attention or plain_limit > 0:
                shown.append(row)
                plain_limit -= 0 if attention else 1
            else:
                hidden += 1
        return shown, hidden

    @property
    def likely_institutions(self) -> list[InstitutionChoice]:
        return [choice for choice in self.institutions if choice.likely is not None]

    @property
    def counts(self) -> dict[str, int]:
        valid = [row for row in self.rows if not row.errors]
        return {
            "rows": len(self.rows),
            "errors": len(self.rows) - len(valid),
            "new_people": sum(1 for row in valid if row.user is None),
            "registered": sum(1 for row in valid if row.registration is not None),
            "new_institutions": sum(1 for c in self.institutions if c.match is None and c.likely is None),
            "likely_institutions": len(self.likely_institutions),
            "new_delegations": len(
                {row.delegation_name.casefold() for row in valid if row.delegation_name}
                - {row.delegation.name.casefold() for row in valid if row.delegation}
            ),
        }

    @property
    def signature(self) -> str:
        """Return a digest of every row's classification, to notice data that changed meanwhile."""
        parts = [
            f"{row.number}:{len(row.errors)}:{getattr(row.user, 'pk', '')}:"
            f"{row.registration.pk if row.registration else ''}:{row.delegation.pk if row.delegation else ''}"
            for row in self.rows
        ]
        parts += [
            f"{c.number}:{c.match.pk if c.match else ''}:{c.likely.institution.pk if c.likely else ''}"
            for c in self.institutions
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _interpret(row: ParticipantRow, country_lookup: dict, role_lookup: dict) -> None:
    """Fill the row's fields from its cells, recording one error per bad cell."""
    values = row.values
    row.name = " ".join(values.get("name", "").split())
    if not row.name:
        row.errors.append(_("name: missing."))
    elif len(row.name) > 150:
        row.errors.append(_("name: longer than 150 characters."))
    row.email = values.get("email", "").strip()
    if not row.email:
        row.errors.append(_("email: missing."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("email: “%(value)s” is not a valid email address.") % {"value": row.email})
    row.job_title = " ".join(values.get("title", "").split())
    if len(row.job_title) > 150:
        row.errors.append(_("title: longer than 150 characters."))
    country_text = values.get("country", "")
    row.country = country_lookup.get(fold(country_text), "")
    if not country_text:
        row.errors.append(_("country: missing."))
    elif not row.country:
        row.errors.append(_("country: unknown country “%(value)s”.") % {"value": country_text})
    institution = " ".join(values.get("institution", "").split())
    if not institution:
        row.errors.append(_("institution: missing."))
    elif len(institution) > 250:
        row.errors.append(_("institution: longer than 250 characters."))
    role_text = values.get("role", "")
    if role_text:
        role = role_lookup.get(header_key(role_text))
        if role is None:
            row.errors.append(_("role: unknown role “%(value)s”.") % {"value": role_text})
        else:
            row.role = role
    row.delegation_name = " ".join(values.get("delegation", "").split())
    if len(row.delegation_name) > 200:
        row.errors.append(_("delegation: longer than 200 characters."))


def _exact_institutions(keys: Iterable[str]) -> dict[tuple[str, str], Institution]:
    """Map (name key, country) to existing institutions named so by name, local name or acronym.

    Rejected institutions are included, so that the preview can refuse them by name rather
    than propose to create them again (their name is still taken).
    """
    keys = list(keys)
    if not keys:
        return {}
    wanted = set(keys)
    found: dict[tuple[str, str], Institution] = {}
    queryset = (
        Institution.objects.annotate(
            lower_name=Lower("name"), lower_local=Lower("name_local"), lower_acronym=Lower("acronym")
        )
        .filter(Q(lower_name__in=keys) | Q(lower_local__in=keys) | Q(lower_acronym__in=keys))
        .only("pk", "name", "name_local", "acronym", "slug", "country", "verification_status")
        .order_by("pk")
    )
    # The English name wins over the local name, which wins over an acronym (acronyms collide).
    ranked: dict[tuple[str, str], int] = {}
    for institution in queryset:
        penalty = 10 if institution.verification_status == Institution.Verification.REJECTED else 0
        for rank, text in enumerate((institution.name, institution.name_local, institution.acronym), start=penalty):
            key = (_name_key(text), str(institution.country))
            if text and key[0] in wanted and rank < ranked.get(key, 99):
                found[key], ranked[key] = institution, rank
    return found


def _likely_match(name: str, country: str) -> DuplicateMatch | None:
    """Return the best likely match for an institution name, cached until the directory changes.

    ``likely_duplicates`` takes about 300 ms on 50,000 institutions, and the same file is
    classified three times (upload, preview page, confirmation). The cache key carries the
    directory's version, which changes whenever an institution is saved, so a match is never
    older than the directory it was computed on.
    """
    digest = hashlib.sha256(f"{directory_version()}|{country}|{name}".encode()).hexdigest()
    key = f"events:participant-import:likely:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None  # False: known to have no likely match
    # A name in Chinese, Thai or Khmer script is compared with local names too.
    local = name if any(ord(char) > 0x24F for char in name) else ""
    candidates = likely_duplicates(name=name, name_local=local, country=country, limit=1)
    match = candidates[0] if candidates else None
    cache.set(key, match or False, LIKELY_CACHE_SECONDS)
    return match


def participants_preview(
    *, event: Event, content: bytes, filename: str, progress: Progress | None = None
) -> ParticipantPreview:
    """Read and classify a participant list for ``event`` without writing anything.

    Raises ImportFailed when the file as a whole cannot be used (size, encoding, format,
    missing columns, too many rows); problems of single rows are reported on those rows.
    ``progress`` is called now and then with the rows done and the rows in all.
    """
    sheet = read_participants(content=content, filename=filename)
    country_lookup, role_lookup = _country_lookup(), _role_lookup()
    rows = [ParticipantRow(number=number, values=values) for number, values in sheet.records]
    seen_emails: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done // 2, len(rows))
        _interpret(row, country_lookup, role_lookup)
        if row.email:
            first = seen_emails.setdefault(row.email.casefold(), row.number)
            if first != row.number:
                row.errors.append(_("email: the same person is already on row %(number)s.") % {"number": first})

    valid = [row for row in rows if not row.errors]
    User = get_user_model()
    emails = {row.email.casefold() for row in valid}
    users = {
        user.email.casefold(): user
        for user in User.objects.annotate(lower_email=Lower("email")).filter(lower_email__in=emails)
    }
    registrations = {
        registration.user_id: registration
        for registration in Registration.objects.filter(event=event, user__in=users.values())
    }
    delegations = {delegation.name.casefold(): delegation for delegation in Delegation.objects.filter(event=event)}

    choices: dict[tuple[str, str], InstitutionChoice] = {}
    for row in valid:
        row.user = users.get(row.email.casefold())
        row.registration = registrations.get(row.user.pk) if row.user else None
        row.delegation = delegations.get(row.delegation_name.casefold()) if row.delegation_name else None
        name = " ".join(row.values["institution"].split())
        key = (_name_key(name), row.country)
        if key not in choices:
            choices[key] = InstitutionChoice(key=key, name=name, country=row.country, number=row.number)
        row.institution = choices[key]
    exact = _exact_institutions({key[0] for key in choices})
    for key, choice in choices.items():
        choice.match = exact.get(key)
        if choice.match is not None and choice.match.verification_status == Institution.Verification.REJECTED:
            choice.match, choice.rejected = None, True
        elif choice.match is None:
            choice.likely = _likely_match(choice.name, choice.country)
    for row in valid:
        if row.institution.rejected:
            row.errors.append(
                _("institution: “%(value)s” was rejected by the secretariat and cannot take part.")
                % {"value": row.institution.name}
            )
    institutions = [choice for choice in choices.values() if not choice.rejected]
    return ParticipantPreview(
        event=event, rows=rows, ignored_headers=sheet.ignored, institutions=institutions, sheet=sheet
    )


# Writing --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    registered: int = 0
    updated: int = 0
    skipped: int = 0
    left_out: int = 0
    new_people: list = field(default_factory=list)
    new_institutions: list[Institution] = field(default_factory=list)
    new_delegations: list[Delegation] = field(default_factory=list)


def _row_failed(row: ParticipantRow, exc: Exception) -> ImportFailed:
    return row_failed(number=row.number, exc=exc)


def participants_commit(
    *,
    preview: ParticipantPreview,
    institution_decisions: dict[int, str] | None = None,
    row_decisions: dict[int, str] | None = None,
    leave_out_errors: bool = False,
    base_url: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Write the previewed participants in one transaction; any failure writes nothing.

    ``institution_decisions`` maps the first row number of each likely-matched institution to
    ACCEPT (the default) or CREATE; ``row_decisions`` maps rows of people already registered to
    SKIP (the default) or UPDATE (role, job title and delegation). Rows with errors refuse the
    whole import unless ``leave_out_errors``, when only the other rows are written. After the
    commit, every new account receives a "set your password" email (links built on
    ``base_url``). Raises ImportFailed, naming the row, when a row has errors (and they are not
    left out) or when a row chosen fails to save.
    """
    rows = rows_to_write(preview.rows, has_errors=lambda row: bool(row.errors), leave_out_errors=leave_out_errors)
    # The institutions to find or create were gathered from the rows without errors only.
    left_out = len(preview.rows) - len(rows)
    preview = replace(preview, rows=rows)
    institution_decisions = institution_decisions or {}
    row_decisions = row_decisions or {}
    event = preview.event
    result = ImportResult(left_out=left_out)
    User = get_user_model()
    total = len(preview.rows)

    def report(share: float) -> None:
        if progress:
            progress(int(total * share), total)

    try:
        with transaction.atomic():
            # Serialise with registrations made at the same time (they lock the event too).
            Event.objects.select_for_update().filter(pk=event.pk).first()

            institutions: dict[tuple[str, str], Institution] = {}
            for choice in preview.institutions:
                if choice.match is not None:
                    institutions[choice.key] = choice.match
                elif choice.likely is not None and institution_decisions.get(choice.number) != Decision.CREATE:
                    institutions[choice.key] = choice.likely.institution
                else:
                    row = next(r for r in preview.rows if r.number == choice.number)
                    institution = Institution(
                        name=choice.name,
                        country=choice.country,
                        slug=unique_slug(choice.name),
                        verification_status=Institution.Verification.UNVERIFIED,
                    )
                    try:
                        institution.full_clean()
                        with transaction.atomic():
                            institution.save()
                    except (ValidationError, DatabaseError) as exc:
                        raise _row_failed(row, exc) from exc
                    institutions[choice.key] = institution
                    result.new_institutions.append(institution)

            delegations = {row.delegation.name.casefold(): row.delegation for row in preview.rows if row.delegation}
            delegation_rows = []
            for row in preview.rows:
                folded = row.delegation_name.casefold()
                if row.delegation_name and folded not in delegations:
                    delegation = Delegation(
                        event=event,
                        name=row.delegation_name,
                        country=row.country,
                        lead_institution=institutions[row.institution.key],
                    )
                    delegations[folded] = delegation
                    result.new_delegations.append(delegation)
                    delegation_rows.append(row)
            _bulk(Delegation, result.new_delegations, delegation_rows)
            report(0.2)

            new_rows = [row for row in preview.rows if row.user is None]
            unusable = make_password(None)
            # Lower case, as allauth stores addresses: the reset token hashes the user's email
            # with its EmailAddress rows, and a case difference would add a second row.
            people = [User(email=row.email.lower(), display_name=row.name, password=unusable) for row in new_rows]
            _bulk(User, people, new_rows)
            for row, person in zip(new_rows, people, strict=True):
                row.user = person
            result.new_people = people
            report(0.5)
            _bulk(
                EmailAddress,
                [EmailAddress(user=p, email=p.email, verified=False, primary=True) for p in people],
                new_rows,
            )
            _bulk(
                Membership,
                [
                    Membership(
                        user=row.user,
                        institution=institutions[row.institution.key],
                        role=Membership.Role.MEMBER,
                        status=Membership.Status.ACTIVE,
                        job_title=row.job_title,
                    )
                    for row in new_rows
                ],
                new_rows,
            )

            report(0.7)
            creating, updating = [], []
            for row in preview.rows:
                delegation = delegations.get(row.delegation_name.casefold()) if row.delegation_name else None
                if row.registration is None:
                    creating.append(
                        Registration(
                            event=event,
                            user=row.user,
                            institution=institutions[row.institution.key],
                            role=row.role,
                            status=Registration.Status.APPROVED,
                            job_title=row.job_title,
                            delegation=delegation,
                        )
                    )
                elif row_decisions.get(row.number) == Decision.UPDATE:
                    registration = row.registration
                    registration.role, registration.job_title = row.role, row.job_title
                    registration.delegation = delegation
                    updating.append(registration)
                else:
                    result.skipped += 1
            registered_rows = [row for row in preview.rows if row.registration is None]
            _bulk(Registration, creating, registered_rows)
            if updating:
                Registration.objects.bulk_update(updating, ["role", "job_title", "delegation"])
            # Bulk writes send no signal; the public page counts registrations.
            public_pages_changed()
            result.registered, result.updated = len(creating), len(updating)

            report(1)
            import_invitations_enqueue(event=event, users=people, base_url=base_url)
    except _BulkFailed as failure:
        raise _row_failed(failure.row, failure.error) from failure.error
    return result


class _BulkFailed(Exception):
    def __init__(self, row: ParticipantRow, error: Exception) -> None:
        super().__init__(str(error))
        self.row, self.error = row, error


def _bulk(model, objects: list, rows: list[ParticipantRow]) -> None:
    """``bulk_create`` ``objects`` (one per row of ``rows``) in a savepoint; on failure, find the row to blame.

    A bulk insert does not say which row broke a constraint; the rows are then retried one by
    one inside the (doomed) transaction to name the first that fails.
    """
    if not objects:
        return
    try:
        with transaction.atomic():
            model.objects.bulk_create(objects, batch_size=1000)
    except (IntegrityError, DatabaseError) as exc:
        for row, obj in zip(rows, objects, strict=True):
            try:
                with transaction.atomic():
                    obj.pk = None
                    obj._state.adding = True
                    obj.save(force_insert=True)
            except (IntegrityError, DatabaseError) as row_exc:
                raise _BulkFailed(row, row_exc) from row_exc
        raise _BulkFailed(rows[0], exc) from exc


# Mail -----------------------------------------------------------------------------------------


def import_invitations_enqueue(*, event: Event, users: list, base_url: str) -> None:
    """Queue for each newly created person an email with a link to set their password.

    One insert for the whole list; the outbox hands the emails to its workers once the
    import's transaction commits, and each is written in the person's language when sent
    (``events.emails``).
    """
    outbox.enqueue_many(
        kind=emails.IMPORT_INVITATION,
        emails=[
            {
                "key": f"import_invitation:{event.pk}:{user.pk}",
                "user": user,
                "context": {"objects": outbox.refs(event=event), "base_url": base_url},
            }
            for user in users
        ],
        immediately=True,
    )


# Running as a background job ------------------------------------------------------------


def preview_data(preview: ParticipantPreview, plain_limit: int | None = None) -> dict:
    """Return the preview as JSON-ready data for the job and its page, in the active language.

    Of the rows with nothing to decide or correct only the first ``plain_limit`` are kept
    (see :meth:`ParticipantPreview.rows_to_show`); the commit reads the file again anyway.
    """
    shown, hidden = preview.rows_to_show(PREVIEW_PLAIN_ROWS if plain_limit is None else plain_limit)

    def institution(row: ParticipantRow) -> dict:
        choice = row.institution
        if choice is None:
            return {"match": None, "likely": None}
        return {
            "match": {"name": choice.match.name, "url": choice.match.get_absolute_url()} if choice.match else None,
            "likely": (
                {"name": choice.likely.institution.name, "percent": choice.likely.percent} if choice.likely else None
            ),
        }

    return preview_payload(
        total_rows=len(preview.rows),
        counts=preview.counts,
        ignored_headers=preview.ignored_headers,
        has_errors=preview.has_errors,
        signature=preview.signature,
        error_rows=len(preview.error_rows),
        rejected=rejected_payload(sheet=preview.sheet, reasons={row.number: row.errors for row in preview.rows})
        if preview.sheet
        else None,
        hidden_rows=hidden,
        likely_institutions=[
            {
                "number": choice.number,
                "name": choice.name,
                "decision_field": choice.decision_field,
                "likely_name": choice.likely.institution.name,
                "likely_percent": choice.likely.percent,
            }
            for choice in preview.likely_institutions
        ],
        rows=[
            row_payload(
                number=row.number,
                decision_field=row.decision_field,
                values=row.values,
                fields=("name", "email", "institution", "country"),
                errors=row.errors,
                registered=row.registration is not None,
                existing_user=row.user is not None,
                role_label=str(row.role_label),
                delegation_name=row.delegation_name,
                new_delegation=row.delegation is None,
                institution=institution(row),
            )
            for row in shown
        ],
    )


def participant_import_start(*, event: Event, created_by, upload, language: str, base_url: str) -> ImportJob:
    """Keep the uploaded file and queue its preview in a worker; nothing else is written.

    Raises ImportFailed when the file must not be read at all (size, or see
    :func:`core.spreadsheets.check_upload`); the rest is found by the preview task.
    ``base_url`` is the portal's address for the links in the invitation emails.
    """
    if upload.size > MAX_BYTES:
        raise ImportFailed(_("The file is larger than 5 MB: split it into several imports."))
    return import_start(
        kind=KIND,
        task=participant_import_preview_task,
        created_by=created_by,
        upload=upload,
        target_id=event.pk,
        params={"base_url": base_url},
        language=language,
    )


def _event(job: ImportJob) -> Event:
    event = Event.objects.filter(pk=job.target_id).first()
    if event is None:
        raise ImportJobError(_("The event of this import no longer exists."))
    return event


def participant_import_preview(*, job_id: int) -> None:
    """Classify the job's file and keep the preview on the job (run by the preview task)."""

    def build(job: ImportJob, progress: Progress) -> dict:
        preview = participants_preview(
            event=_event(job), content=import_job_content(job=job), filename=job.filename, progress=progress
        )
        return preview_data(preview)

    import_job_preview_run(job_id=job_id, build=build)


def participant_import_confirm(
    *,
    job: ImportJob,
    institution_decisions: dict[int, str],
    row_decisions: dict[int, str],
    leave_out_errors: bool = False,
) -> bool:
    """Record the organiser's decisions and queue the writing; False if the job cannot be confirmed.

    ``leave_out_errors``: write only the rows without errors (see :func:`participants_commit`).
    """
    decisions = {
        "institutions": {
            str(number): value
            for number, value in institution_decisions.items()
            if value in (Decision.ACCEPT, Decision.CREATE)
        },
        "rows": {
            str(number): value for number, value in row_decisions.items() if value in (Decision.SKIP, Decision.UPDATE)
        },
    }
    return import_confirm(
        job=job, decisions=decisions, task=participant_import_commit_task, leave_out_errors=leave_out_errors
    )


def participant_import_commit(*, job_id: int) -> None:
    """Write the job's participants, all or nothing, then email the new people (run by the commit task)."""

    def commit(job: ImportJob, progress: Progress) -> CommitOutcome:
        preview = participants_preview(event=_event(job), content=import_job_content(job=job), filename=job.filename)
        if preview.signature != (job.preview or {}).get("signature"):
            return CommitOutcome(
                preview=preview_data(preview),
                warning=_("The portal's data changed since this preview was made. Check the rows again, then confirm."),
            )
        decisions = job.decisions or {}
        result = participants_commit(
            preview=preview,
            institution_decisions={int(k): v for k, v in decisions.get("institutions", {}).items()},
            row_decisions={int(k): v for k, v in decisions.get("rows", {}).items()},
            leave_out_errors=job.leave_out_errors,
            base_url=job.params.get("base_url", ""),
            progress=progress,
        )
        audit_log(
            action="events.registrations.imported",
            actor=job.created_by,
            event=preview.event,
            data={"created": result.registered, "updated": result.updated},
        )
        return CommitOutcome(
            result={
                "total_rows": len(preview.rows),
                "registered": result.registered,
                "updated": result.updated,
                "skipped": result.skipped,
                "left_out": result.left_out,
                "people": len(result.new_people),
                "institutions": len(result.new_institutions),
            }
        )

    import_job_commit_run(job_id=job_id, commit=commit)
