"""The stages of each case type and their checklists: data, copied into each case when it is opened (`CaseStage`
and `ChecklistItem` rows), so a later change of the template never rewrites what an open case already holds."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StageTemplate:
    code: str
    label: str | Promise
    sla_days: int  # how long a case may stay in the stage before it is overdue (0: no limit)
    checklist: tuple[tuple[str, str | Promise], ...] = ()


INTAKE = "intake"
CLOSED = "closed"

STAGE_LABELS: dict[str, str | Promise] = {
    "intake": _("Intake"),
    "documents": _("Documents"),
    "kandas": _("Kandas status"),
    "region": _("Region and quota"),
    "housing": _("Housing"),
    "employment": _("Employment"),
    "schooling": _("Schooling"),
    "language": _("Language course"),
    "closed": _("Closed"),
}

RETURN_STAGES: tuple[StageTemplate, ...] = (
    StageTemplate(
        "intake",
        STAGE_LABELS["intake"],
        7,
        (
            ("family", _("Family members recorded")),
            ("sharing_consent", _("Consent for sharing asked")),
            ("plan", _("Case plan written")),
        ),
    ),
    StageTemplate(
        "documents",
        STAGE_LABELS["documents"],
        30,
        (
            ("passports", _("Passports copied")),
            ("birth", _("Birth certificates translated")),
        ),
    ),
    StageTemplate(
        "kandas",
        STAGE_LABELS["kandas"],
        60,
        (
            ("application", _("Kandas application filed")),
            ("decision", _("Kandas decision received")),
        ),
    ),
    StageTemplate("region", STAGE_LABELS["region"], 30, (("region", _("Region within the quota chosen")),)),
    StageTemplate(
        "housing",
        STAGE_LABELS["housing"],
        60,
        (
            ("temporary", _("Temporary housing found")),
            ("subsidy", _("Housing subsidy applied for")),
        ),
    ),
    StageTemplate(
        "employment", STAGE_LABELS["employment"], 90, (("registered", _("Registered with the employment centre")),)
    ),
    StageTemplate("schooling", STAGE_LABELS["schooling"], 30, (("school", _("Children enrolled at school")),)),
    StageTemplate("language", STAGE_LABELS["language"], 120, (("course", _("Enrolled in a language course")),)),
    StageTemplate("closed", STAGE_LABELS["closed"], 0),
)

CONSULAR_STAGES: tuple[StageTemplate, ...] = (
    StageTemplate("intake", STAGE_LABELS["intake"], 3, (("request", _("Request recorded")),)),
    StageTemplate("documents", STAGE_LABELS["documents"], 30, (("passports", _("Passports copied")),)),
    StageTemplate("closed", STAGE_LABELS["closed"], 0),
)

TEMPLATES: dict[str, tuple[StageTemplate, ...]] = {"return": RETURN_STAGES, "consular": CONSULAR_STAGES}

#: the sections of a case a referral may share with a partner (the referral's `shared_sections`)
SECTIONS: dict[str, str | Promise] = {
    "members": _("Family members"),
    "stages": _("Stages and checklists"),
    "tasks": _("Tasks"),
    "notes": _("Notes marked for partners"),
    "documents": _("Documents marked for partners"),
}


def template_for(case_type: str) -> tuple[StageTemplate, ...]:
    return TEMPLATES[case_type]


def stage_codes(case_type: str) -> list[str]:
    return [stage.code for stage in template_for(case_type)]


def checklist_label(stage: str, code: str) -> str:
    for template in TEMPLATES.values():
        for item in template:
            if item.code == stage:
                for item_code, label in item.checklist:
                    if item_code == code:
                        return str(label)
    return code
