"""Loading a network file given as text, for the tests of each app's section."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tamyr.core import netfiles


def loader(name: str, default: str) -> tuple[Callable[..., netfiles.Plan], Callable[[str], list[str]]]:
    """`load(text=default, *, dry_run=False)` loads `text` as the file `name`; `problems(text)` is what a load of it
    refuses, as the messages the user reads (`file:line: field: message`)."""

    def load(text: str = default, *, dry_run: bool = False) -> netfiles.Plan:
        return netfiles.load([(name, text)], dry_run=dry_run)

    def problems(text: str) -> list[str]:
        with pytest.raises(netfiles.NetfileError) as caught:
            load(text)
        return [str(problem) for problem in caught.value.problems]

    return load, problems
