"""Choice fields whose options are sorted by their label in the reader's language, with a Unicode collation.

Countries are stored by ISO code and a queryset sorts by it, so "Türkiye" (TR) came after "Hungary" (HU) for
everyone, and in Turkish "Çin" after "Zambiya". These fields sort what the reader sees: in Turkish Ç follows C and
Ş follows S, in Hungarian Ö follows O (tamyr.core.collation). The database still answers one query; the sorting of
~250 labels happens in Python, when the form is rendered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from tamyr.core import collation


class CollatedModelChoiceIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        prefetching = bool(getattr(queryset, "_prefetch_related_lookups", ()))
        rows: Iterable[Any] = queryset if prefetching else queryset.iterator()
        choices = [self.choice(obj) for obj in rows]
        yield from collation.sorted_by(choices, lambda choice: str(choice[1]))


class CollatedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField (e.g. of countries) whose options are in the reader's alphabetical order."""

    iterator = CollatedModelChoiceIterator


class CollatedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = CollatedModelChoiceIterator


def collated(choices: list[tuple[str, str]], language: str | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs sorted by label in the reader's language (a leading "all …" option stays first)."""
    head = [pair for pair in choices[:1] if pair[0] == ""]
    rest = choices[len(head) :]
    return [*head, *collation.sorted_by(rest, lambda pair: str(pair[1]), language)]
