"""The column mapping of the import page as a form: what each sheet holds and which field
each of its columns fills, shown after a dry run and sent back to correct it.

The form names its choices by position (``entity-<sheet>``, ``col-<sheet>-<column>``) and
the server reads the sheet names and headers from the dry run it kept with the upload, so
nothing the browser sends is taken as a header. :func:`mapping_of` turns the choices into
the mapping :func:`api.services.transfer.run_import` accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from api.transfer.columns import SHEETS, SheetSpec, sheet_by_key
from api.web.labels import PROPERTIES

__all__ = [
    "MappingChoiceError",
    "choices_of",
    "form_choices",
    "mapping_of",
    "read_choices",
    "sheet_forms",
]

_KEYS = {s.key for s in SHEETS}


class MappingChoiceError(ValueError):
    """A choice of the form that the server cannot use; ``message`` is shown as is.

    ``choices`` are the form's choices as sent, once they could be read (to show the form
    as the user left it), else None.
    """

    def __init__(self, message: str, choices: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.choices = choices


def _current(sheet: Mapping[str, Any]) -> str:
    """What the sheet is read as in the dry run (or was tried as): a sheet key or ''."""
    return str(sheet.get("entity") or sheet.get("tried") or "")


def _spec(key: str) -> SheetSpec | None:
    return sheet_by_key(key) if key in _KEYS else None


def choices_of(sheets: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The form's values as the dry run shows them."""
    out: dict[str, str] = {}
    for k, s in enumerate(sheets):
        entity = _current(s)
        out[f"entity-{k}"] = entity
        if _spec(entity) is not None:
            for c, prop in enumerate((s.get("columns") or {}).values()):
                out[f"col-{k}-{c}"] = str(prop or "")
    return out


def form_choices(
    form: Mapping[str, Any], sheets: Sequence[Mapping[str, Any]], _: Callable[[str], str]
) -> dict[str, str]:
    """The choices sent with the form, checked against the sheets of the kept dry run."""
    out: dict[str, str] = {}
    for k, s in enumerate(sheets):
        entity = str(form.get(f"entity-{k}", _current(s)))
        if entity and entity not in _KEYS:
            raise MappingChoiceError(
                _("Unbekannte Auswahl für das Blatt „%(sheet)s“: bitte wählen Sie aus der Liste.")
                % {"sheet": s["sheet"]}
            )
        out[f"entity-{k}"] = entity
        spec = _spec(_current(s))
        if spec is None:
            continue
        props = {c.prop for c in spec.columns}
        for c, (header, shown) in enumerate((s.get("columns") or {}).items()):
            # a select is always sent; a client that leaves it out keeps what was shown
            value = str(form.get(f"col-{k}-{c}", shown or ""))
            if value and value not in props:
                raise MappingChoiceError(
                    _(
                        "Unbekanntes Feld für die Spalte „%(column)s“ im Blatt „%(sheet)s“: "
                        "bitte wählen Sie aus der Liste."
                    )
                    % {"column": header, "sheet": s["sheet"]}
                )
            out[f"col-{k}-{c}"] = value
    return out


def check_choices(
    choices: Mapping[str, str],
    sheets: Sequence[Mapping[str, Any]],
    _: Callable[[str], str],
    field_label: Callable[[SheetSpec, str], str],
) -> None:
    """One column per field and sheet; a message naming both columns otherwise."""
    for k, s in enumerate(sheets):
        entity = choices.get(f"entity-{k}", "")
        if entity != _current(s) or _spec(entity) is None:
            continue
        spec = _spec(entity)
        assert spec is not None
        seen: dict[str, str] = {}
        for c, header in enumerate((s.get("columns") or {}).keys()):
            prop = choices.get(f"col-{k}-{c}", "")
            if not prop:
                continue
            if prop in seen:
                raise MappingChoiceError(
                    _(
                        "Blatt „%(sheet)s“: die Spalten „%(a)s“ und „%(b)s“ sind beide dem Feld "
                        "„%(field)s“ zugeordnet. Bitte wählen Sie für eine davon ein anderes "
                        "Feld oder „nicht übernommen“."
                    )
                    % {
                        "sheet": s["sheet"],
                        "a": seen[prop],
                        "b": header,
                        "field": field_label(spec, prop),
                    }
                )
            seen[prop] = header


def read_choices(
    form: Mapping[str, Any], sheets: Sequence[Mapping[str, Any]], _: Callable[[str], str]
) -> dict[str, str]:
    """The form's choices, checked (:func:`form_choices`, then :func:`check_choices`)."""
    choices = form_choices(form, sheets, _)
    try:
        check_choices(choices, sheets, _, lambda spec, prop: field_label(spec, prop, _))
    except MappingChoiceError as e:
        raise MappingChoiceError(e.message, choices) from e
    return choices


def mapping_of(choices: Mapping[str, str], sheets: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The import mapping the choices mean.

    A sheet whose entity is unchanged gets its columns as chosen (and its header row); a
    sheet given another entity gets only the entity, so that its columns are detected anew
    for it; "nicht übernommen" leaves a sheet out.
    """
    result: dict[str, Any] = {}
    for k, s in enumerate(sheets):
        name = str(s["sheet"])
        entity = choices.get(f"entity-{k}", "")
        current = _current(s)
        if not entity:
            if s.get("entity") or s.get("skipped") or s.get("tried"):
                result[name] = {"entity": None}
            continue
        if entity != current:
            result[name] = {"entity": entity}
            continue
        headers = list((s.get("columns") or {}).keys())
        columns = {h: (choices.get(f"col-{k}-{c}") or None) for c, h in enumerate(headers)}
        if s.get("entity"):
            result[name] = {"entity": entity, "header_row": s.get("header_row"), "columns": columns}
        else:  # a sheet that could not be read as this entity: the columns as chosen
            result[name] = {"entity": entity, "columns": columns}
    return {"sheets": result}


@dataclass
class SheetForm:
    """One sheet of the form: its choices and the options to offer."""

    index: int
    name: str
    entity: str
    note: str | None
    header_row: int | None
    #: (position, header, chosen field or "")
    columns: list[tuple[int, str, str]]
    #: (field, label) of the entity's fields
    fields: list[tuple[str, str]]


def field_label(spec: SheetSpec, prop: str, _: Callable[[str], str]) -> str:
    """A field's name for people: the UI's property name, else the sheet's German header."""
    if prop in PROPERTIES:
        return _(PROPERTIES[prop])
    return _(spec.column(prop).header)


def sheet_forms(
    sheets: Sequence[Mapping[str, Any]], choices: Mapping[str, str], _: Callable[[str], str]
) -> list[SheetForm]:
    """The form's sheets with the given choices selected."""
    out = []
    for k, s in enumerate(sheets):
        current = _current(s)
        spec = _spec(current)
        columns = [
            (c, str(h), choices.get(f"col-{k}-{c}", str(p or "")))
            for c, (h, p) in enumerate((s.get("columns") or {}).items())
        ]
        out.append(
            SheetForm(
                index=k,
                name=str(s["sheet"]),
                entity=choices.get(f"entity-{k}", current),
                note=s.get("note"),
                header_row=s.get("header_row"),
                columns=columns if spec is not None else [],
                fields=[(c.prop, field_label(spec, c.prop, _)) for c in spec.columns]
                if spec is not None
                else [],
            )
        )
    return out


def entity_options(_: Callable[[str], str]) -> list[tuple[str, str]]:
    """(sheet key, German title) of every sheet the import reads."""
    return [(s.key, _(s.title)) for s in SHEETS]
