"""What the extraction cascade (:mod:`.cascade`) has found so far: each field's value and the
stage that found it; the first stage to offer a value wins."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

#: ``{{news.Title}}``: a client-side template placeholder, never content
UNRENDERED_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
#: length of a day-only ISO date (``2025-07-01``)
DAY_LENGTH = 10


@dataclass
class FoundFields:
    """Field values as they are found, with the stage that found each one."""

    values: dict[str, object] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)

    def offer(self, name: str, value: object, stage: str) -> None:
        if isinstance(value, str) and UNRENDERED_TEMPLATE.search(value):
            return  # an AngularJS/Handlebars placeholder of a page rendered by script
        if name not in self.values and value not in (None, "", (), []):
            self.values[name] = value
            self.stages[name] = stage

    def get(self, name: str, default: object = None) -> object:
        return self.values.get(name, default)

    def day_only(self, name: str) -> bool:
        """The date found for ``name`` has no time of day (``YYYY-MM-DD``)."""
        value = self.values.get(name)
        return isinstance(value, str) and len(value) == DAY_LENGTH

    def refine(self, name: str, value: object, stage: str) -> None:
        """A day-only date made precise by a later stage's time on the same day."""
        if (
            self.day_only(name) and isinstance(value, str) and len(value) > DAY_LENGTH
            and value.startswith(str(self.values[name]))
        ):
            self.values[name], self.stages[name] = value, stage

    def text(self, name: str) -> str | None:
        """A text field (the cascade only offers strings under these names)."""
        return cast("str | None", self.values.get(name))

    def missing(self, *names: str) -> bool:
        return any(name not in self.values for name in names)
