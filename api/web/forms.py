"""Entity forms built from the graph model: the fields, and reading what was typed.

A form is shown again with what was typed and a message beside each wrong field; only
values that pass the model's own validation reach the store.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from api.model_errors import message_for
from api.web.i18n import N_
from api.web.labels import PROPERTIES, choices_for
from graph_schema.model import NODE_MODELS, NodeLabel, PropKind, property_kinds

__all__ = [
    "ORIGINAL_FIELD",
    "VERSION_FIELD",
    "Changed",
    "FormField",
    "changed_meanwhile",
    "decode_original",
    "encode_original",
    "form_fields",
    "parse_form",
    "raw_values",
]

#: hidden fields of an edit form: the entry's version and its values when the form was shown
VERSION_FIELD = "entry_version"
ORIGINAL_FIELD = "entry_original"

#: properties shown as a multi-line text area (a source may hold several addresses)
_LONG_TEXT = {"description", "note", "source"}
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


def encode_original(values: Mapping[str, str]) -> str:
    """The values an edit form showed, for its hidden field (what the user was shown)."""
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True)


def decode_original(text: str | None) -> dict[str, str] | None:
    """What :func:`encode_original` wrote; None when missing or not readable."""
    try:
        found = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(found, dict):
        return None
    return {str(k): str(v) for k, v in found.items()}


@dataclass(frozen=True)
class Changed:
    """A field someone else changed while the form was open."""

    name: str
    stored: str  # what is stored now
    typed: str  # what the form sent
    #: the user left the field as shown: the stored value can simply be taken over
    untouched: bool


def _same(a: str, b: str) -> bool:
    # browsers send a text area's line breaks as CRLF
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def changed_meanwhile(
    names: Iterable[str],
    stored: Mapping[str, str],
    original: Mapping[str, str] | None,
    typed: Mapping[str, str],
) -> list[Changed]:
    """The fields whose stored value changed since the form showed ``original`` and now
    differs from what was typed (all fields that differ, when ``original`` is unknown)."""
    out = []
    for name in names:
        now, sent = stored.get(name, ""), typed.get(name, "")
        if _same(now, sent):
            continue
        before = None if original is None else original.get(name)
        if before is not None and _same(before, now):
            continue  # only this user changed it
        untouched = before is not None and _same(before, sent)
        out.append(Changed(name, now, sent, untouched))
    return out
