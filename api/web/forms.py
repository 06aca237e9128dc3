"""Entity forms built from the graph model: the fields, and reading what was typed.

A form is shown again with what was typed and a message beside each wrong field; only
values that pass the model's own validation reach the store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from api.model_errors import message_for
from api.web.i18n import N_
from api.web.labels import PROPERTIES, choices_for
from graph_schema.model import NODE_MODELS, NodeLabel, PropKind, property_kinds

__all__ = ["FormField", "form_fields", "parse_form", "raw_values"]

#: properties shown as a multi-line text area
_LONG_TEXT = {"description", "note"}
_EMAIL = {"email"}
_URL = {"website"}
_HINTS = {
    "languages": N_("Mehrere durch Komma trennen, z. B. de, ar, uk"),
    "tags": N_("Mehrere durch Komma trennen"),
    "id": N_("Leer lassen: wird erzeugt."),
}
#: only an area's id may be the official municipality key (AGS)
_AREA_ID_HINT = N_("Leer lassen: wird erzeugt. Bei Gemeinden der amtliche Gemeindeschlüssel.")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str  # German msgid, translated in the template
    widget: str  # text, textarea, select, date, number, email, url
    required: bool
    choices: list[tuple[str, str]] | None = None
    hint: str = ""


def _required(label: NodeLabel, name: str) -> bool:
    field = NODE_MODELS[label].model_fields[name]
    return field.is_required()


def form_fields(label: NodeLabel, lang: str, *, with_id: bool) -> list[FormField]:
    """The form's fields in the model's order (``id`` only when creating)."""
    kinds = property_kinds(NODE_MODELS[label])
    fields = []
    for name, kind in kinds.items():
        if name == "id" and not with_id:
            continue
        choices = choices_for(label, name, lang)
        if choices is not None:
            widget = "select"
        elif kind == PropKind.DATE:
            widget = "date"
        elif kind == PropKind.INT:
            widget = "number"
        elif name in _LONG_TEXT:
            widget = "textarea"
        elif name in _EMAIL:
            widget = "email"
        elif name in _URL:
            widget = "url"
        else:
            widget = "text"
        fields.append(
            FormField(
                name=name,
                label=PROPERTIES.get(name, name),
                widget=widget,
                required=name != "id" and _required(label, name),
                choices=choices,
                hint=_AREA_ID_HINT
                if (label, name) == (NodeLabel.AREA, "id")
                else _HINTS.get(name, ""),
            )
        )
    return fields


def raw_values(node_data: Mapping[str, Any]) -> dict[str, str]:
    """A stored node's values as the form shows them (lists comma-separated)."""
    out = {}
    for k, v in node_data.items():
        if v is None:
            out[k] = ""
        elif isinstance(v, list):
            out[k] = ", ".join(str(x) for x in v)
        elif isinstance(v, dt.date):
            out[k] = v.isoformat()
        else:
            out[k] = str(v)
    return out


_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _date(text: str) -> dt.date:
    m = _GERMAN_DATE.match(text)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    return dt.date.fromisoformat(text)


def parse_form(
    label: NodeLabel,
    raw: Mapping[str, str],
    _: Callable[[str], str],
    *,
    creating: bool,
) -> tuple[dict[str, Any], dict[str, str]]:
    """What was typed as model values, and a message per wrong field.

    Empty fields are left out when creating and cleared (None) when editing.
    """
    model = NODE_MODELS[label]
    kinds = property_kinds(model)
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, kind in kinds.items():
        if name == "id" and not creating:
            continue
        text = str(raw.get(name, "")).strip()
        if not text:
            if not creating and name != "id":
                data[name] = [] if kind == PropKind.STRING_LIST else None
            continue
        if kind == PropKind.STRING_LIST:
            data[name] = [x.strip() for x in text.split(",") if x.strip()]
        elif kind == PropKind.DATE:
            try:
                data[name] = _date(text)
            except ValueError:
                errors[name] = _("Bitte ein Datum angeben, z. B. 31.12.2024.")
        elif kind == PropKind.INT:
            try:
                data[name] = int(text.replace(".", "").replace(" ", ""))
            except ValueError:
                errors[name] = _("Bitte eine ganze Zahl angeben.")
        else:
            data[name] = text
    candidate = {k: v for k, v in data.items() if v is not None}
    candidate.setdefault("id", "form-check")
    try:
        model.model_validate(candidate)
    except ValidationError as e:
        for err in e.errors():
            loc = [str(x) for x in err.get("loc", ())]
            name = loc[0] if loc else ""
            if name in kinds and name not in errors:
                errors[name] = message_for(err).render(_)
            elif not loc:
                msg = str(err.get("msg", ""))
                if "ends_on" in msg:
                    errors["ends_on"] = _("Das Ende darf nicht vor dem Beginn liegen.")
                else:
                    errors.setdefault("", _("Ungültige Angaben."))
    return data, errors
