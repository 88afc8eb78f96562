"""Form fields shared by the forms of several areas."""

from __future__ import annotations

from typing import Any

from wtforms import StringField


class ParsedField(StringField):
    """A text input parsed on submit; blank is None; an unparsable value stays as typed, beside its error."""

    def parse(self, text: str) -> Any:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def show(self, value: Any) -> str:
        """How a stored value is written back into the input."""
        return str(value)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError:
            self.data = None  # the raw text stays in raw_data and is shown again beside the error
            raise

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.show(self.data) if self.data is not None else ""
