"""The cases app listens to the registry (arrows point one way: the registry never imports cases)."""

from __future__ import annotations

from typing import Any

from tamyr.registry.signals import person_erased


def _anonymise_cases(sender: Any, person: Any, **kwargs: Any) -> None:
    from tamyr.cases.services import case_anonymise

    case_anonymise(person=person)


person_erased.connect(_anonymise_cases, dispatch_uid="cases.anonymise_cases")
