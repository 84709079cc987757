"""The profile wizard's data and rules: a plain draft, the step order and per-step checks.

Nothing here imports Qt (an import-linter contract keeps it so). The pages only read from
and write to a ``ProfileDraft``; ``next_step`` says where Next leads and ``validate`` says, in
plain words and per field, what still stops the user from going on. Both are tested without
a ``QApplication`` in ``tests/ui/test_wizard_flow.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import PurePath
from typing import Any

from app.connectors import registry
from app.core.derived_fields import BIRTHDAY, FULL_NAME, birthday_parts, preview_split
from app.core.fields import (
    CUSTOM_FIELD_LABEL_MAX,
    FIELDS_BY_KEY,
    LIST_NAME_MAX,
    MAX_CUSTOM_FIELDS_PER_CONTACT,
    STANDARD_FIELDS,
    custom_name,
    is_custom,
    label,
)
from app.core.filters import NEEDS_VALUE, FilterGroup
from app.core.mapping import FieldMap, FieldMapping
from app.core.profiles import CONSTANT_CONTACT as HUB
from app.core.profiles import (
    SourceSpec,
    SyncOptions,
    SyncProfile,
)
from app.core.schedule import Schedule
from app.core.source_preview import SourcePreview

PROFILE_NAME_MAX = 100
_FILE_KEYS = ("path", "key_column", "sheet", "consent_column")  # in their own draft fields


class Step(IntEnum):
    """The wizard's pages, in order; the values are the QWizard page ids."""

    SOURCE = 0
    CONSTANT_CONTACT = 1
    OPTIONS = 2
    MAPPING = 3
    FILTERS = 4
    SCHEDULE = 5


# Where Next leads from each step; None means the step is the last one (Finish).
_NAVMAP: dict[Step, Step | None] = {
    Step.SOURCE: Step.CONSTANT_CONTACT,
    Step.CONSTANT_CONTACT: Step.OPTIONS,
    Step.OPTIONS: Step.MAPPING,
    Step.MAPPING: Step.FILTERS,
    Step.FILTERS: Step.SCHEDULE,
    Step.SCHEDULE: None,
}


# A draft whose kind is a destination (``Connector.is_destination``) copies Constant Contact
# into that service: its panel keeps the Constant Contact side's settings (the lists to bring)
# under this key of its settings, and the profile takes Constant Contact as its source.
FROM_CONSTANT_CONTACT = "from_constant_contact"
# A migration's path through the wizard: the service's panel, then when it runs.
_DESTINATION_STEPS = (Step.SOURCE, Step.SCHEDULE)


@dataclass
class ProfileDraft:
    """A profile while the wizard edits it. Mutable, and every field has a usable default.

    Attributes:
        columns: the source's column names, as read by the last preview.
        preview_rows: the first rows of the source, for the preview and sample values.
        preview_row_numbers: each preview row's number in the source (blank rows and the
            heading counted), the number a sync's results give that record.
        source_problem: why the source could not be read (empty when it was read).
        settings_by_kind: each kind of source's settings, so that switching the kind and
            back keeps the choices: a service's panel keeps its choices here (connection_id,
            its filters); a file's path, key column and sheet have their own fields, and
            other settings are kept unchanged when editing a profile.
        file_sheet: the workbook sheet the user chose ("" = ContactBridge picks the one
            with an email column); saved as the source setting "sheet".
        file_sheets: the chosen workbook's sheets, for the sheet chooser (kept when the
            chosen sheet could not be read, so another can be chosen).
        file_preview: how the file was last read (title lines, sheet, a guessed encoding).
        account_name: the connected Constant Contact account, for display only.
        mapping: Constant Contact field key -> source column (a blank column = not mapped).
        opt_out_column: a file's column whose yes means "opted out" (the profile's option).
        consent_column: a file's column whose yes means "may be emailed" (its opposite,
            kept in the file's source settings); at most one of the two is set.
        editing_id: the id of the profile being edited, None for a new profile.
    """

    name: str = ""
    source_kind: str = registry.FILES.kind
    file_path: str = ""
    key_column: str = ""
    columns: list[str] = field(default_factory=list)
    preview_rows: list[list[str]] = field(default_factory=list)
    preview_row_numbers: list[int] = field(default_factory=list)
    source_problem: str = ""
    settings_by_kind: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_sheet: str = ""
    file_sheets: list[str] = field(default_factory=list)
    file_preview: SourcePreview | None = None
    connection_id: int | None = None
    account_name: str = ""
    main_list: str = ""
    options: SyncOptions = field(default_factory=SyncOptions)
    mapping: dict[str, str] = field(default_factory=dict)
    opt_out_column: str = ""
    consent_column: str = ""
    filters: FilterGroup = field(default_factory=FilterGroup)
    schedule: Schedule = field(default_factory=Schedule)
    editing_id: int | None = None

    @property
    def source_settings(self) -> dict[str, Any]:
        """The current kind of source's settings (a service's panel writes its choices here)."""
        return self.settings_by_kind.setdefault(self.source_kind, {})

    @property
    def is_file(self) -> bool:
        """The source is a spreadsheet file (the wizard's own chooser), not a service."""
        return self.source_kind == registry.FILES.kind

    @property
    def is_destination(self) -> bool:
        """The kind is a service Constant Contact is copied into (a migration), not a source."""
        found = registry.find(self.source_kind)
        return found is not None and found.is_destination

    @property
    def writable_source(self) -> bool:
        """True when the source can be written to, so the two-way options apply."""
        found = registry.find(self.source_kind)
        return found is not None and found.writable

    def source_spec(self) -> SourceSpec:
        """The source as the service reads it (a file's path and key column, or a service's
        choices)."""
        settings = dict(self.source_settings)
        if not self.is_file:
            for key in _FILE_KEYS:
                settings.pop(key, None)
            return SourceSpec(self.source_kind, settings)
        settings["path"] = self.file_path.strip()
        chosen = {
            "key_column": self.key_column,
            "sheet": self.file_sheet,
            "consent_column": self.consent_column,
        }
        for key, value in chosen.items():
            if value:
                settings[key] = value
            else:
                settings.pop(key, None)
        return SourceSpec(self.source_kind, settings)

    def field_mapping(self) -> FieldMapping:
        """The mapped pairs, standard fields in their usual order, then custom fields."""
        pairs = ((self.mapping.get(t, ""), t) for t in mapping_targets(self))
        return FieldMapping(tuple(FieldMap(s, t) for s, t in pairs if s))

    def unused_columns(self) -> list[str]:
        """Source columns that feed no Constant Contact field and are not otherwise used."""
        used = {s for s in self.mapping.values() if s}
        used.update(c for c in (self.key_column, self.opt_out_column, self.consent_column) if c)
        return [c for c in self.columns if c not in used]

    def to_profile(self) -> SyncProfile:
        """The finished profile, ready for ``service.profiles.save``."""
        if self.is_destination:
            return self._migration_profile()
        return SyncProfile(
            name=self.name.strip(),
            source=self.source_spec(),
            main_list=self.main_list.strip(),
            connection_id=self.connection_id,
            options=replace(self.options, opt_out_column=self.opt_out_column),
            mapping=self.field_mapping(),
            filters=self.filters,
            schedule=self.schedule,
            id=self.editing_id,
        )

    def _migration_profile(self) -> SyncProfile:
        """Constant Contact (its lists, from the panel) into the destination, as often as the
        service says once synced (``Connector.two_way_minutes``)."""
        settings = dict(self.source_settings)
        source = dict(settings.pop(FROM_CONSTANT_CONTACT, None) or {})
        connector = registry.connector(self.source_kind)
        return SyncProfile(
            name=self.name.strip(),
            source=SourceSpec(HUB, source),
            main_list="",
            connection_id=self.connection_id,
            options=replace(self.options, poll_minutes=connector.two_way_minutes),
            schedule=self.schedule,
            id=self.editing_id,
            destination=SourceSpec(self.source_kind, settings),
        )

    @classmethod
    def from_profile(cls, profile: SyncProfile) -> ProfileDraft:
        """A draft to edit an existing profile (columns are read again by the Source page)."""
        if not profile.into_constant_contact:  # a migration: its destination's panel edits it
            kind = profile.destination.kind
            settings = {
                **profile.destination.settings,
                FROM_CONSTANT_CONTACT: dict(profile.source.settings),
            }
            return cls(
                name=profile.name,
                source_kind=kind,
                settings_by_kind={kind: settings},
                connection_id=profile.connection_id,
                options=profile.options,
                schedule=profile.schedule,
                editing_id=profile.id,
            )
        settings = dict(profile.source.settings)
        path = str(settings.pop("path", ""))
        key_column = str(settings.pop("key_column", "") or "")
        sheet = str(settings.pop("sheet", "") or "")
        consent_column = str(settings.pop("consent_column", "") or "")
        return cls(
            name=profile.name,
            source_kind=profile.source.kind,
            file_path=path,
            key_column=key_column,
            settings_by_kind={profile.source.kind: settings},
            file_sheet=sheet,
            connection_id=profile.connection_id,
            main_list=profile.main_list,
            options=profile.options,
            mapping={f.target: f.source for f in profile.mapping.fields},
            opt_out_column=profile.options.opt_out_column,
            consent_column=consent_column,
            filters=profile.filters,
            schedule=profile.schedule,
            editing_id=profile.id,
        )


def first_step() -> Step:
    return Step.SOURCE


def next_step(step: Step, draft: ProfileDraft) -> Step | None:
    """The step Next leads to from ``step``, or None when ``step`` is the last one.

    The order is fixed today; ``draft`` is taken so that a source that needs an extra step
    (a CRM's object type, say) can branch here without touching the pages.
    """
    if draft.is_destination:  # a migration: the service's panel, then when it runs
        at = _DESTINATION_STEPS.index(step) if step in _DESTINATION_STEPS else 0
        return _DESTINATION_STEPS[at + 1] if at + 1 < len(_DESTINATION_STEPS) else None
    return _NAVMAP[step]


def steps_of(draft: ProfileDraft) -> tuple[Step, ...]:
    """The steps the draft goes through (a migration skips the push's)."""
    return _DESTINATION_STEPS if draft.is_destination else tuple(Step)


def _ordered_targets() -> tuple[str, ...]:
    # A full name after the first and last name; a full birthday before its month and day.
    order = [f.key for f in STANDARD_FIELDS]
    order.insert(order.index("last_name") + 1, FULL_NAME)
    order.insert(order.index("birthday_month"), BIRTHDAY)
    return tuple(order)


_TARGET_ORDER = _ordered_targets()


def mapping_targets(draft: ProfileDraft) -> list[str]:
    """Every target field the mapping page shows: the standard ones, then custom ones."""
    custom = [t for t in draft.mapping if is_custom(t)]
    return [*_TARGET_ORDER, *custom]


def apply_source_preview(
    draft: ProfileDraft,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    suggested: FieldMapping,
    opt_out_column: str | None = None,
    key_column: str | None = None,
    row_numbers: Sequence[int] = (),
    consent_column: str | None = None,
) -> bool:
    """Take in a freshly read source; returns True if its columns changed.

    ``row_numbers`` are the rows' own numbers in the source (see ``ProfileDraft``).

    When the columns change, choices that name a column the source no longer has are
    dropped, and the suggestions fill the gaps, but nothing the user chose that still fits
    is overwritten. Filter rules are kept so the Filters page can point at them.
    """
    draft.preview_rows = [list(r) for r in rows]
    draft.preview_row_numbers = list(row_numbers)
    draft.source_problem = ""
    new = list(columns)
    if new == draft.columns:
        return False
    draft.columns = new
    present = set(new)
    draft.mapping = {t: s for t, s in draft.mapping.items() if s in present}
    used = set(draft.mapping.values())
    for pair in suggested.fields:
        if (
            pair.source in present
            and pair.source not in used
            and not draft.mapping.get(pair.target)
        ):
            draft.mapping[pair.target] = pair.source
            used.add(pair.source)
    if draft.opt_out_column not in present:
        draft.opt_out_column = opt_out_column if opt_out_column in present else ""
    if draft.consent_column not in present:
        # An opt-out column, chosen or suggested, wins: the two say opposite things.
        wanted = consent_column if consent_column in present else ""
        draft.consent_column = "" if draft.opt_out_column else wanted
    if draft.key_column not in present:
        draft.key_column = key_column if key_column in present else ""
    return True


def clear_source(draft: ProfileDraft, problem: str) -> None:
    """Forget the columns and rows of a source that could not be read."""
    draft.columns = []
    draft.preview_rows = []
    draft.preview_row_numbers = []
    draft.file_preview = None
    draft.source_problem = problem


def apply_file_preview(
    draft: ProfileDraft,
    preview: SourcePreview,
    *,
    suggested: FieldMapping,
    opt_out_column: str | None = None,
    key_column: str | None = None,
    consent_column: str | None = None,
) -> bool:
    """Take in a freshly read file (``apply_source_preview``) with how it was read: its
    sheets, for the chooser; returns True if its columns changed."""
    changed = apply_source_preview(
        draft,
        preview.columns,
        [cells for _, cells in preview.rows],
        suggested=suggested,
        opt_out_column=opt_out_column,
        key_column=key_column,
        row_numbers=[number for number, _ in preview.rows],
        consent_column=consent_column,
    )
    draft.file_preview = preview
    draft.file_sheets = list(preview.sheets)
    return changed


def source_spec_for(draft: ProfileDraft, path: str, *, sheet: bool = True) -> SourceSpec:
    """The file at ``path`` as the wizard reads it: with the chosen sheet, unless
    ``sheet`` is False (to list a workbook's sheets when the chosen one is gone)."""
    settings: dict[str, Any] = {"path": path}
    if sheet and draft.file_sheet:
        settings["sheet"] = draft.file_sheet
    return SourceSpec(draft.source_kind, settings)


def validate(
    step: Step, draft: ProfileDraft, existing_names: Set[str] = frozenset()
) -> dict[str, str]:
    """What stops ``step`` from being complete: field name -> one plain sentence.

    Args:
        existing_names: names of the other saved profiles (the one being edited excluded).
    """
    return _VALIDATORS[step](draft, existing_names)


def first_problem(
    draft: ProfileDraft, existing_names: Set[str] = frozenset()
) -> tuple[Step, str, str] | None:
    """The first (step, field, message) problem of the whole draft, or None if all is well."""
    for step in steps_of(draft):
        problems = validate(step, draft, existing_names)
        if problems:
            key, message = next(iter(problems.items()))
            return step, key, message
    return None


def _validate_source(draft: ProfileDraft, existing_names: Set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    name = draft.name.strip()
    taken = {n.strip().casefold() for n in existing_names}
    if not name:
        out["name"] = "Give this profile a name, for example “Newsletter from shop customers”."
    elif len(name) > PROFILE_NAME_MAX:
        out["name"] = f"Use at most {PROFILE_NAME_MAX} characters for the name."
    elif name.casefold() in taken:
        out["name"] = f"There is already a profile named “{name}”. Choose another name."
    connector = registry.find(draft.source_kind)
    if connector is None:
        choices = ", ".join(c.label for c in registry.CONNECTORS)
        out["source_kind"] = (
            f"{registry.label(draft.source_kind)} is coming soon. Choose one of: {choices}."
        )
        return out
    if draft.is_destination:
        if draft.source_settings.get("connection_id") is None:
            out["source_connection"] = f"Connect to {connector.label} to continue."
        elif draft.connection_id is None:
            out["source_connection"] = (
                f"Connect your Constant Contact account, the one to copy into {connector.label}."
            )
        elif draft.source_problem:
            out["source_connection"] = draft.source_problem
        return out
    if not draft.is_file:
        if connector.needs_connection and draft.source_settings.get("connection_id") is None:
            out["source_connection"] = f"Connect to {connector.label} to continue."
        elif draft.source_problem:
            out["source_connection"] = draft.source_problem
        elif not draft.columns:
            out["source_connection"] = f"Waiting for the first contacts from {connector.label}…"
        return out
    if not draft.file_path.strip():
        out["file_path"] = "Choose the CSV or Excel file that holds your contacts."
    elif draft.source_problem:
        out["file_path"] = draft.source_problem
    elif not draft.columns:
        out["file_path"] = "This file has no column headings in its first row."
    elif draft.key_column and draft.key_column not in draft.columns:
        out["key_column"] = _missing_column(draft.key_column)
    return out


def _validate_constant_contact(draft: ProfileDraft, _names: Set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if draft.connection_id is None:
        out["connection"] = "Connect to your Constant Contact account to continue."
    main_list = draft.main_list.strip()
    if not main_list:
        out["main_list"] = "Enter the name of the Constant Contact list to sync into."
    elif len(main_list) > LIST_NAME_MAX:
        out["main_list"] = (
            f"Constant Contact list names can have at most {LIST_NAME_MAX} characters "
            f"(this one has {len(main_list)})."
        )
    return out


CONSENT_NEEDED = "Say whether these people agreed to receive email (top of Options)."


def consent_problem(draft: ProfileDraft) -> str:
    """Why a file's profile cannot be saved yet for want of consent ("" when it can): a
    consent column, or the user's confirmation that everyone agreed. A profile saved before
    this was asked keeps running, and the wizard asks when it is next edited."""
    if not draft.is_file or draft.consent_column or draft.options.consent_attested_at:
        return ""
    return CONSENT_NEEDED


def _validate_options(draft: ProfileDraft, _names: Set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    consent = consent_problem(draft)
    if consent:
        out["consent"] = consent
    column = draft.opt_out_column or draft.consent_column
    if column and draft.columns and column not in draft.columns:
        out["opt_out_column"] = _missing_column(column)
    options = draft.options
    if not 0 < options.guard_share <= 1:
        out["guard_share"] = "Enter a share between 1% and 100%."
    if options.guard_count < 1:
        out["guard_count"] = "Enter a number of contacts of 1 or more."
    return out


def _validate_mapping(draft: ProfileDraft, _names: Set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    present = set(draft.columns)
    if not draft.mapping.get("email"):
        out["email"] = (
            "Choose the column with email addresses. Constant Contact needs an email "
            "address for every contact."
        )
    first_use: dict[str, str] = {}
    for target in mapping_targets(draft):
        source = draft.mapping.get(target, "")
        if not source:
            continue
        if present and source not in present:
            out[target] = _missing_column(source)
        elif source in first_use:
            out[target] = (
                f"The column “{source}” already fills {label(first_use[source])}. "
                "Each column can fill one field."
            )
        else:
            first_use[source] = target
    custom = [t for t in draft.mapping if is_custom(t)]
    for target in custom:
        name = custom_name(target).strip()
        if not name:
            out[target] = "Give the custom field a name."
        elif len(name) > CUSTOM_FIELD_LABEL_MAX:
            out[target] = (
                f"Custom field names can have at most {CUSTOM_FIELD_LABEL_MAX} characters."
            )
    if len(custom) > MAX_CUSTOM_FIELDS_PER_CONTACT:
        out["custom_fields"] = (
            f"Constant Contact allows at most {MAX_CUSTOM_FIELDS_PER_CONTACT} custom fields "
            "per contact. Remove some."
        )
    return out


def _validate_filters(draft: ProfileDraft, _names: Set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    present = set(draft.columns)
    for i, rule in enumerate(draft.filters.rules):
        n = i + 1
        if not rule.field:
            out[f"rule_{i}"] = f"Choose a column for rule {n}, or remove the rule."
        elif present and rule.field not in present:
            out[f"rule_{i}"] = (
                f"Rule {n} uses the column “{rule.field}”, which this file does not have. "
                "Choose another column or remove the rule."
            )
        elif rule.op in NEEDS_VALUE and not rule.value.strip():
            out[f"rule_{i}"] = f"Enter a value for rule {n}, or remove the rule."
    return out


def _validate_schedule(draft: ProfileDraft, _names: Set[str]) -> dict[str, str]:
    problems = draft.schedule.problems()
    return {"schedule": " ".join(problems)} if problems else {}


def _missing_column(column: str) -> str:
    return f"The file has no column named “{column}” any more. Choose another one."


_VALIDATORS = {
    Step.SOURCE: _validate_source,
    Step.CONSTANT_CONTACT: _validate_constant_contact,
    Step.OPTIONS: _validate_options,
    Step.MAPPING: _validate_mapping,
    Step.FILTERS: _validate_filters,
    Step.SCHEDULE: _validate_schedule,
}


NO_NAMES = (
    "No names will be sent: an email that greets people by first name will read “Dear ,” "
    "(or the fallback greeting set in Constant Contact). Map a name column if your file has one."
)
NO_CONSENT_COLUMN = (
    "No consent column: everyone in this file who has not opted out goes to Constant Contact "
    "as agreeing to receive email, on your word (Options)."
)


def mapping_notes(draft: ProfileDraft) -> list[str]:
    """What the mapping means that the user might not expect: no names, no consent column."""
    notes: list[str] = []
    names = ("full_name", "first_name", "last_name")
    if not any(draft.mapping.get(t) for t in names) and not draft.options.unknown_for_blank_names:
        notes.append(NO_NAMES)
    if draft.is_file and not draft.consent_column:
        notes.append(NO_CONSENT_COLUMN)
    return notes


def sample_preview(draft: ProfileDraft, target: str, column: str) -> list[str]:
    """The sample values of ``column`` as they will be sent to ``target``: a full name as
    its split ("Dr. Ada King-Lovelace → Ada / King-Lovelace"), a date of birth as its month
    and day; other fields as they are."""
    values = sample_values(draft, column)
    if target == FULL_NAME:
        return [preview_split(v) for v in values]
    if target == BIRTHDAY:
        out = []
        for v in values:
            parts = birthday_parts(v)
            out.append(f"{v} → {parts[0]}/{parts[1]}" if parts else f"{v} → (not a date)")
        return out
    return values


def sample_values(draft: ProfileDraft, column: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` non-blank values of ``column`` from the preview rows."""
    if column not in draft.columns:
        return []
    index = draft.columns.index(column)
    out: list[str] = []
    for row in draft.preview_rows:
        value = row[index].strip() if index < len(row) else ""
        if value and value not in out:
            out.append(value)
            if len(out) >= limit:
                break
    return out


def target_label(key: str) -> str:
    """The words the user sees for a target field key."""
    return label(key)


def target_group(key: str) -> str:
    field_ = FIELDS_BY_KEY.get(key)
    return field_.group if field_ else "Custom fields"


def name_for_file(path: str, existing_names: Set[str] = frozenset()) -> str:
    """A profile name from a file's name ("shop-customers.csv" → "Shop customers"), made
    unique among ``existing_names`` ("Shop customers (2)")."""
    stem = PurePath(path).stem.replace("_", " ").replace("-", " ").strip()
    base = " ".join(stem.split())[: PROFILE_NAME_MAX - 4] or "Contacts"
    base = base[:1].upper() + base[1:]
    taken = {n.strip().casefold() for n in existing_names}
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base} ({n})", n + 1
    return name


def unique_names(names: Iterable[str], excluding: str | None = None) -> frozenset[str]:
    """The profile names a new or edited profile must not reuse."""
    skip = (excluding or "").strip().casefold()
    return frozenset(n for n in names if n.strip().casefold() != skip)
