"""Bulk work on a plan: one form changes the status, owners and dates of many measures (Decidim's bulk actions),
and a CSV/XLSX file creates or changes measures or reports indicator values.

Both are one transaction. The bulk edit asks `permissions.can()` for every measure and leaves the ones the user
may not change untouched, saying which and why. The import runs every row through the services
(`measure_create`, `measure_update`, `value_report`), so a row is checked by the very rules a page applies; with
any bad row, or in a dry run, the transaction is rolled back and the report says what would have been written.
The file is read by the people import's reader (`tamyr.registry.imports.open_table`: encodings, strict CSV,
XLSX, unreadable rows reported at their line; docs/decisions/0008)."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from tamyr.accounts import permissions
from tamyr.cooperation import services
from tamyr.cooperation.models import (
    Direction,
    Indicator,
    IndicatorPeriod,
    Measure,
    MeasureStatus,
    Plan,
    PlanImport,
)
from tamyr.core import audit, jobs, uploads
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.exports import safe_cell
from tamyr.core.i18n import LANGUAGE_CODES
from tamyr.registry.imports import BadRow, Unreadable, open_table
from tamyr.registry.models import Organization

BULK_FIELDS = ("status", "lead", "partners", "starts_on", "ends_on")


@dataclass
class BulkResult:
    """What a bulk edit did: the measures changed, those already as asked, and those refused with the reason."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _network_organizations(plan: Plan, slugs: Iterable[str], field_name: str) -> list[Organization]:
    found = {org.slug: org for org in Organization.objects.filter(slug__in=set(slugs))}
    organizations = []
    for slug in slugs:
        organization = found.get(slug)
        if organization is None:
            raise DomainError(_("Unknown organization: %(slug)s.") % {"slug": slug}, field=field_name)
        services._in_plan_network(plan, organization, field_name)
        organizations.append(organization)
    return organizations


@transaction.atomic
def measures_bulk_update(*, plan: Plan, codes: Iterable[str], acting_user: Any, **fields: Any) -> BulkResult:
    """Give every measure named by `codes` the same `status`, `lead`, `partners` (the whole list), `starts_on` and
    `ends_on` (the ones given). A measure the user may not change, or whose dates the change would turn around,
    is refused and left as it was; the others change, with an audit row each."""
    if not permissions.can(acting_user, "cooperation.bulk_edit", plan):
        raise NotAllowed(_("Only the plan's coordinators and its measures' lead organizations change measures."))
    if unknown := sorted(set(fields) - set(BULK_FIELDS)):
        raise DomainError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    fields = {key: value for key, value in fields.items() if value is not None}
    if not fields:
        raise DomainError(_("Choose what to change: the status, the owners or the dates."))
    codes = list(dict.fromkeys(code.strip() for code in codes if code and code.strip()))
    if not codes:
        raise DomainError(_("Choose the measures to change."), field="codes")
    if "status" in fields and fields["status"] not in MeasureStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    if "lead" in fields:
        services._in_plan_network(plan, fields["lead"], "lead")
    partners = fields.get("partners")
    for partner in partners or ():
        services._in_plan_network(plan, partner, "partners")
    coordinator = permissions.can(acting_user, "cooperation.change_plan", plan)
    measures = {
        m.code: m
        for m in Measure.objects.select_for_update(of=("self",))
        .filter(plan=plan, code__in=codes)
        .select_related("plan__network", "lead")
        .prefetch_related("partners")
    }
    result = BulkResult()
    for code in codes:
        measure = measures.get(code)
        if measure is None:
            result.refused.append((code, _("No such measure in this plan.")))
            continue
        if not (coordinator or permissions.can(acting_user, "cooperation.edit_measure", measure)):
            result.refused.append((code, _("You may not change this measure.")))
            continue
        if "lead" in fields and not coordinator:
            result.refused.append((code, _("Only the plan's coordinators change the lead organization.")))
            continue
        starts, ends = fields.get("starts_on", measure.starts_on), fields.get("ends_on", measure.ends_on)
        if starts and ends and ends < starts:
            result.refused.append((code, _("The measure would end before it starts.")))
            continue
        changed: dict[str, list[str]] = {}
        for key in ("status", "lead", "starts_on", "ends_on"):
            if key in fields and getattr(measure, key) != fields[key]:
                changed[key] = [str(getattr(measure, key)), str(fields[key])]
                setattr(measure, key, fields[key])
        if partners is not None:
            before = sorted(p.slug for p in measure.partners.all())
            after = sorted(p.slug for p in partners)
            if before != after:
                changed["partners"] = [", ".join(before), ", ".join(after)]
        if not changed:
            result.unchanged.append(code)
            continue
        if simple := [key for key in changed if key != "partners"]:
            measure.save(update_fields=[*simple, "updated_at"])
        if "partners" in changed:
            measure.partners.set(partners or [])
        audit.record(acting_user, "cooperation.measure_updated", measure, changed=changed, bulk=True)
        result.changed.append(code)
    return result


# --- import -------------------------------------------------------------------------------------------------------

MAX_ROWS = 5000
KINDS = ("measures", "actuals")
MEASURE_COLUMNS = (
    "code", "direction", "parent", "title", "description", "lead", "partners", "status", "starts_on", "ends_on",
    "budget_line", "budget_amount", "currency", "weight",
)  # fmt: skip
ACTUAL_COLUMNS = ("measure", "indicator", "period", "value", "evidence_url", "comment")
TRANSLATED = ("title", "description")
_SEPARATORS = re.compile(r"\s*[;|\n]\s*")


@dataclass
class PlanImportReport:
    """What an import wrote, or in a dry run (or with any bad row) would have written: nothing is kept then."""

    kind: str
    dry_run: bool
    rows: int = 0
    created: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.bad_rows

    def bad_rows_shown(self) -> list[dict[str, object]]:
        return [row.as_dict() for row in self.bad_rows]

    def as_dict(self) -> dict[str, Any]:
        """What the import page shows and the job keeps (`PlanImport.report`)."""
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "written": self.written,
            "rows": self.rows,
            "created": self.created,
            "changed": [[code, fields] for code, fields in self.changed],
            "unchanged": self.unchanged,
            "reported": self.reported,
            "bad_rows": self.bad_rows_shown(),
        }


class _RowError(Exception):
    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


def _column_key(header: str) -> str:
    """ "Starts on", "starts-on" and "STARTS_ON" name the same column; "title_kk" or "title (kk)" a language's."""
    text = unicodedata.normalize("NFKC", header).casefold().strip()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _columns(header: list[str], kind: str) -> dict[str, int]:
    known = MEASURE_COLUMNS if kind == "measures" else ACTUAL_COLUMNS
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _column_key(name)
        base, _sep, language = key.rpartition("_")
        if kind == "measures" and base in TRANSLATED and language in LANGUAGE_CODES or key in known:
            columns[key] = index
        elif key:
            raise DomainError(
                _("Unknown column %(name)s; the columns are: %(known)s.")
                % {"name": safe_cell(name), "known": ", ".join(known)},
                code="columns",
            )
    required = ("code",) if kind == "measures" else ("measure", "indicator", "period", "value", "evidence_url")
    if missing := [name for name in required if name not in columns]:
        raise DomainError(_("The file has no column %(names)s.") % {"names": ", ".join(missing)}, code="columns")
    return columns


def _date(value: str, column: str) -> date:
    text = value[:10] if re.match(r"^\d{4}-\d\d-\d\dT", value) else value
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise _RowError(column, value, _("Give a date as 2026-03-31 or 31.03.2026."))


def _rows(table: Any, columns: dict[str, int]) -> Iterator[tuple[int, dict[str, str] | BadRow]]:
    for line, cells in table.rows():
        if isinstance(cells, Unreadable):
            yield line, BadRow(line, "", cells.value, cells.reason)
            continue
        joined = "".join(cells)
        if "\ufffd" in joined:
            yield line, BadRow(line, "", "", _("This row is not valid in the file's encoding: choose the encoding."))
            continue
        row = {name: cells[index].strip() if index < len(cells) else "" for name, index in columns.items()}
        if not "".join(row.values()).replace("\n", "").isprintable():
            yield line, BadRow(line, "", "", _("This row holds control characters."))
            continue
        yield line, row


def _translations_of(row: dict[str, str], name: str) -> dict[str, str]:
    texts = {key.rpartition("_")[2]: value for key, value in row.items() if key.startswith(f"{name}_") and value}
    if row.get(name):
        texts.setdefault("en", row[name])
    return texts


class _Importer:
    def __init__(self, plan: Plan, acting_user: Any, report: PlanImportReport) -> None:
        self.plan = plan
        self.user = acting_user
        self.report = report
        self.directions = {d.code: d for d in Direction.objects.filter(plan=plan)}
        self.organizations: dict[str, Organization] = {}

    def organization(self, slug: str, column: str) -> Organization:
        if slug not in self.organizations:
            found = Organization.objects.filter(slug=slug).first()
            if found is None:
                raise _RowError(column, slug, _("Unknown organization: %(slug)s.") % {"slug": slug})
            self.organizations[slug] = found
        return self.organizations[slug]

    def measure(self, code: str, column: str) -> Measure:
        found = Measure.objects.filter(plan=self.plan, code=code).select_related("plan", "lead").first()
        if found is None:
            raise _RowError(column, code, _("This plan has no measure %(code)s.") % {"code": code})
        return found

    def measure_row(self, row: dict[str, str]) -> None:
        code = row["code"]
        if not code:
            raise _RowError("code", "", _("Give the measure's number."))
        if len(code) > 16:
            raise _RowError("code", code, _("A measure's number has at most 16 characters."))
        wanted: dict[str, Any] = {}
        for name in TRANSLATED:
            if texts := _translations_of(row, name):
                wanted[name] = texts
        if row.get("direction"):
            direction = self.directions.get(row["direction"])
            if direction is None:
                raise _RowError("direction", row["direction"], _("This plan has no such direction."))
            wanted["direction"] = direction
        if row.get("parent"):
            wanted["parent"] = self.measure(row["parent"], "parent")
        if row.get("lead"):
            wanted["lead"] = self.organization(row["lead"], "lead")
        if row.get("partners"):  # an empty cell leaves a measure's partners as they are, like every other column
            wanted["partners"] = [self.organization(s, "partners") for s in _SEPARATORS.split(row["partners"]) if s]
        if row.get("status"):
            status = _column_key(row["status"])
            labels = {_column_key(str(label)): value for value, label in MeasureStatus.choices}
            if status not in MeasureStatus.values and status not in labels:
                raise _RowError(
                    "status", row["status"], _("Unknown status; use one of: %(names)s.")
                    % {"names": ", ".join(MeasureStatus.values)},
                )  # fmt: skip
            wanted["status"] = labels.get(status, status)
        for name in ("starts_on", "ends_on"):
            if row.get(name):
                wanted[name] = _date(row[name], name)
        for name in ("budget_line", "currency"):
            if row.get(name):
                wanted[name] = row[name].upper() if name == "currency" else row[name]
        if row.get("budget_amount"):
            wanted["budget_amount"] = services._decimal(row["budget_amount"].replace(" ", ""), "budget_amount")
        if row.get("weight"):
            if not row["weight"].isdigit():
                raise _RowError("weight", row["weight"], _("The weight is a whole number from 1 to 1000."))
            wanted["weight"] = int(row["weight"])
        existing = Measure.objects.filter(plan=self.plan, code=code).prefetch_related("partners").first()
        if existing is None:
            if "title" not in wanted:
                raise _RowError("title", "", _("A new measure needs a title."))
            if "lead" not in wanted:
                raise _RowError("lead", "", _("A new measure needs its lead organization."))
            services.measure_create(
                plan=self.plan,
                code=code,
                title=wanted.pop("title"),
                lead=wanted.pop("lead"),
                direction=wanted.pop("direction", None),
                acting_user=self.user,
                **wanted,
            )
            self.report.created.append(code)
            return
        changes = {}
        for name, value in wanted.items():
            if name == "partners":
                if sorted(p.pk for p in existing.partners.all()) != sorted(p.pk for p in value):
                    changes[name] = value
            elif name in TRANSLATED:
                merged = {**getattr(existing, name), **value}
                if merged != getattr(existing, name):
                    changes[name] = merged
            elif getattr(existing, name) != value:
                changes[name] = value
        if not changes:
            self.report.unchanged.append(code)
            return
        services.measure_update(measure=existing, acting_user=self.user, **changes)
        self.report.changed.append((code, sorted(changes)))

    def actual_row(self, row: dict[str, str]) -> None:
        measure = self.measure(row["measure"], "measure")
        indicators = list(Indicator.objects.filter(measure=measure).order_by("order", "pk"))
        number = row["indicator"]
        if not number.isdigit() or not 1 <= int(number) <= len(indicators):
            raise _RowError(
                "indicator",
                number,
                _("Give the indicator's number in its measure, from 1 to %(count)s.") % {"count": len(indicators)},
            )
        indicator = indicators[int(number) - 1]
        period = self.period(indicator, row["period"])
        services.value_report(
            period=period,
            value=row["value"].replace(" ", "").replace(",", "."),
            evidence_url=row["evidence_url"],
            comment=row.get("comment", ""),
            acting_user=self.user,
        )
        self.report.reported.append(f"{measure.code} #{number} {period.starts_on}..{period.ends_on}")

    def period(self, indicator: Indicator, text: str) -> IndicatorPeriod:
        """ "2026-01-01..2026-12-31" names a period exactly; one date names the period that holds it."""
        if not text:
            raise _RowError("period", "", _("Give the period, e.g. 2026-01-01..2026-12-31."))
        start_text, _sep, end_text = text.partition("..")
        starts = _date(start_text.strip(), "period")
        periods = IndicatorPeriod.objects.filter(indicator=indicator)
        if end_text:
            found = periods.filter(starts_on=starts, ends_on=_date(end_text.strip(), "period")).first()
        else:
            found = periods.filter(starts_on__lte=starts, ends_on__gte=starts).first()
        if found is None:
            raise _RowError("period", text, _("The indicator is not measured over this period."))
        return found


def import_rows(
    *,
    plan: Plan,
    path: Path,
    kind: str,
    acting_user: Any,
    dry_run: bool = False,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    before_commit: Callable[[PlanImportReport], None] | None = None,
) -> PlanImportReport:
    """Import measures or reported values of `plan` from a CSV or XLSX file (see the module's docstring).

    `progress(rows)` is called after every row (the job's heartbeat); `before_commit(report)` inside the
    transaction once every row is done, whether it will be kept or not (the job marks itself finished there, so
    the rows and "finished" commit together)."""
    if kind not in KINDS:
        raise DomainError(_("Choose what the file holds: measures or reported values."), field="kind")
    if not permissions.can(acting_user, "cooperation.bulk_edit", plan):
        raise NotAllowed(_("Only the plan's coordinators and its measures' lead organizations import."))
    report = PlanImportReport(kind=kind, dry_run=dry_run)
    table = open_table(path, encoding)
    try:
        columns = _columns(table.header, kind)
        with transaction.atomic():
            importer = _Importer(plan, acting_user, report)
            handle = importer.measure_row if kind == "measures" else importer.actual_row
            for line, row in _rows(table, columns):
                report.rows += 1
                if report.rows > MAX_ROWS:
                    raise DomainError(
                        _("A file holds at most %(count)s rows; split it.") % {"count": f"{MAX_ROWS:,}"},
                        code="too_many_rows",
                    )
                if isinstance(row, BadRow):
                    report.bad_rows.append(row)
                    continue
                if progress is not None:
                    progress(report.rows)
                try:
                    with transaction.atomic():
                        handle(row)
                except _RowError as error:
                    report.bad_rows.append(BadRow(line, error.column, error.value, error.reason))
                except DomainError as error:
                    column = error.field if error.field in columns else ""
                    value = row.get(column, "") if column else ""
                    report.bad_rows.append(BadRow(line, column, value, str(error.message)))
            if before_commit is not None:
                before_commit(report)
            if not report.written:
                transaction.set_rollback(True)
    finally:
        table.close()
    return report


def import_upload(
    *, plan: Plan, upload: Any, kind: str, acting_user: Any, dry_run: bool = False, encoding: str | None = None
) -> PlanImportReport:
    """An uploaded file (already checked against `uploads.PLAN_IMPORT`: its real kind decides the reader) imported
    from a temporary copy that is removed afterwards; nothing of it is stored."""
    suffix = getattr(getattr(upload, "kind", None), "extension", "") or Path(upload.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return import_rows(
            plan=plan, path=Path(handle.name), kind=kind, acting_user=acting_user, dry_run=dry_run, encoding=encoding
        )


# --- imports as jobs ----------------------------------------------------------------------------------------------
#
# The page and `tamyr import measures|actuals` keep the upload as a `PlanImport` job and the task worker runs it
# (`tasks.run_plan_import`), as the people import does (`registry.imports.person_import_run`): the page polls the
# progress, and a file of thousands of rows never holds a request.


def count_rows(path: Path, encoding: str | None = None) -> int:
    """The rows under the header (for the progress bar); 0 when the file cannot be read (the run says why)."""
    try:
        table = open_table(path, encoding)
    except DomainError:
        return 0
    try:
        return sum(1 for _row in table.rows())
    except Exception:
        return 0
    finally:
        table.close()


def plan_import_create(
    *,
    plan: Plan,
    upload: Any,
    kind: str,
    acting_user: Any,
    dry_run: bool = False,
    encoding: str | None = None,
    queue: bool = True,
) -> PlanImport:
    """Keep the uploaded file (checked by its content, stored privately under a random name) as an import job and
    queue it for the worker after the commit; nothing of the plan changes yet."""
    if kind not in KINDS:
        raise DomainError(_("Choose what the file holds: measures or reported values."), field="kind")
    if not permissions.can(acting_user, "cooperation.bulk_edit", plan):
        raise NotAllowed(_("Only the plan's coordinators and its measures' lead organizations import."))
    try:
        checked = uploads.check(upload, uploads.PLAN_IMPORT, field="file")
    except uploads.UploadRefused as error:
        raise DomainError(error.message, code=error.code, field="file") from error
    name = checked.original_name or f"{kind}{checked.kind.extension}"
    record = PlanImport(
        plan=plan,
        kind=kind,
        dry_run=dry_run,
        encoding=encoding or "",
        original_name=name[:255],
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record.file.save(checked.name, checked, save=False)
    record.total = count_rows(Path(record.file.path), encoding)
    record.save()
    audit.record(acting_user, "cooperation.plan_import_uploaded", plan, file=name, kind=kind, import_id=record.pk)
    if queue:
        from tamyr.cooperation.tasks import run_plan_import

        pk = record.pk
        transaction.on_commit(lambda: run_plan_import(pk))
    return record


def _forget_upload(record: PlanImport) -> None:
    if record.file:
        record.file.delete(save=False)
        PlanImport.objects.filter(pk=record.pk).update(file="")


def progress_key(import_id: int) -> str:
    return f"cooperation.plan_import.{import_id}"


def rows_done(record: PlanImport) -> int:
    """How far a running import has come (see `plan_import_run`); a finished one says it itself."""
    if not record.is_active:
        return record.done
    seen = HUEY.get(progress_key(record.pk), peek=True)
    return max(record.done, int(seen or 0))


def plan_import_run(*, import_id: int) -> PlanImport | None:
    """The task's body: claim the job, import the file with a heartbeat as progress, and keep the report.

    All or nothing: the rows are written in one transaction inside which the job is marked finished through its
    lease, so a run that fails, is stopped (SIGTERM: handed back and queued again) or loses its lease to another
    worker leaves no row, and a worker that dies after the commit leaves a finished job, not one to redo."""
    record = PlanImport.objects.select_related("plan", "created_by").filter(pk=import_id).first()
    if record is None:
        return None
    lease = jobs.claim(PlanImport, record.pk)
    if lease is None:  # finished, given up, or held by a live worker
        return record
    heartbeat = jobs.Heartbeat(lease, every=1.0)

    def progress(rows: int) -> None:
        # the job's row is written inside the import's transaction (the lease, renewed): the page reads the rows
        # done from the task queue's storage, which the worker and the web processes share
        if heartbeat.beat(done=rows) or rows == 1:
            HUEY.put(progress_key(record.pk), rows)

    def before_commit(report: PlanImportReport) -> None:
        # rows to keep: "finished" commits with them, through the lease (a run that lost it writes nothing)
        if report.written and not lease.finish(done=report.rows, total=report.rows, report=report.as_dict()):
            raise jobs.LeaseLost(f"plan import {record.pk}")

    try:
        report = import_rows(
            plan=record.plan,
            path=Path(record.file.path),
            kind=record.kind,
            acting_user=record.created_by,
            dry_run=record.dry_run,
            encoding=record.encoding or None,
            progress=progress,
            before_commit=before_commit,
        )
    except jobs.Stopping:
        jobs.hand_back(lease)
        record.refresh_from_db()
        return record
    except jobs.LeaseLost:
        record.refresh_from_db()
        return record
    except (KeyboardInterrupt, SystemExit):
        lease.release()
        raise
    except Exception as error:
        lease.fail(str(getattr(error, "message", error)))
        _forget_upload(record)
        record.refresh_from_db()
        if not isinstance(error, DomainError):
            raise
        return record
    if not report.written:  # a dry run, or bad rows: rolled back, so the job is finished after it
        lease.finish(done=report.rows, total=report.rows, report=report.as_dict())
    else:
        audit.record(record.created_by, "cooperation.plan_imported", record.plan, kind=record.kind, rows=report.rows)
    _forget_upload(record)
    HUEY.delete(progress_key(record.pk))
    record.refresh_from_db()
    return record
