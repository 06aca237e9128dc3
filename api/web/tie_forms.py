"""Adding, ending and deleting ties from an entry's detail page.

Which ties a page offers to add (a cooperation, ACTIVE_IN and WORKS_ON on an organisation;
ADDRESSES, SERVES, AVAILABLE_IN on an offer; a member on a body), the parsing of what was
typed, and the writes, through :class:`api.services.entities.Entities`, the service (and
so the checks) of ``/api/ties``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from api.permissions import TieWrite
from api.services.entities import Entities
from api.web import lookups
from api.web.forms import _date
from graph_schema import clock
from graph_schema.errors import AlreadyExists, InvalidRelationship, InvalidValue, NotFound
from graph_schema.model import REL_SPECS, NodeLabel, Tie
from graph_schema.registry import LABELS, TieForm
from graph_schema.store import GraphStore
from graph_schema.store.proposals import Proposal
from graph_schema.vocab import CooperationKind
from graph_schema.vocab import Role as MemberRole

__all__ = [
    "PROPOSED",
    "TIE_FORMS",
    "TieForm",
    "add_tie",
    "change_tie",
    "choice_text",
    "tie_forms",
]


#: the "add a tie" forms of each label's page, from the registry
TIE_FORMS: dict[NodeLabel, tuple[TieForm, ...]] = {
    label: e.tie_forms for label, e in LABELS.items() if e.tie_forms
}

#: a tie's own date fields
_DATES = ("since", "until")

#: the key of :func:`add_tie`'s answer when the tie was sent as a proposal (its id)
PROPOSED = "proposed"


def _form_of(label: NodeLabel, rel: str) -> TieForm | None:
    for form in TIE_FORMS.get(label, ()):
        if form.rel == rel:
            return form
    return None


def _probe(form: TieForm, node_id: str, other_id: str = "") -> Tie:
    ends = (node_id, other_id) if form.node_end == "from" else (other_id, node_id)
    return REL_SPECS[form.rel].model.model_construct(from_id=ends[0], to_id=ends[1])


def tie_forms(
    service: Entities,
    label: NodeLabel,
    node_id: str,
    lang: str,
    *,
    rel: str = "",
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The add-a-tie forms this user may use on this page; the one of ``rel`` keeps
    ``values`` and shows ``errors``."""
    out = []
    store = service.store
    for form in TIE_FORMS.get(label, ()):
        how = service.tie_write(_probe(form, node_id))
        if how is None:
            continue
        options: list[tuple[str, str, str]] = []  # (label name, id, name)
        for other in form.other_labels:
            group = LABELS[other].singular
            options += [
                (group, i, n) for i, n in lookups.choices(store, other, lang) if i != node_id
            ]
        mine = form.rel == rel
        out.append(
            {
                "rel": str(form.rel),
                "title": form.title,
                "fields": form.fields,
                "options": options,
                "grouped": len(form.other_labels) > 1,
                # thousands of organisations: a text field that suggests while typing
                "datalist": len(options) > DATALIST_ABOVE,
                "typed": dict(values or {}) if mine else {},
                "errors": dict(errors or {}) if mine else {},
                "open": mine,
                # a partner's tie to another organisation waits for the office
                "proposal": how is TieWrite.PROPOSAL,
            }
        )
    return out


#: above this many choices the other end is typed (with suggestions), not picked from a list
DATALIST_ABOVE = 200


def choice_text(name: str, node_id: str) -> str:
    """How a choice reads in the suggestion list and in the field: the name and the id.

    Examples:
        >>> choice_text("AWO Kreisverband", "org-00012")
        'AWO Kreisverband (org-00012)'
    """
    return f"{name} ({node_id})"


def _resolve_other(store: GraphStore, form: TieForm, text: str, lang: str) -> str | None:
    """The id meant by what was typed: an id, a suggestion ``Name (id)``, or a name that
    belongs to exactly one entry; None when it is none of these (a single word is taken
    for an id)."""
    choices = [c for other in form.other_labels for c in lookups.choices(store, other, lang)]
    ids = {i for i, _ in choices}
    if text in ids:
        return text
    found = re.search(r"\(([^()]+)\)\s*$", text)
    if found and found.group(1).strip() in ids:
        return found.group(1).strip()
    named = [i for i, n in choices if str(n).strip().casefold() == text.casefold()]
    if len(named) == 1:
        return named[0]
    # something shaped like an id goes to the store, which says whether it exists and fits
    return text if re.fullmatch(r"[\w.-]{1,100}", text) and not named else None


VOCAB_CHOICES = {
    "kind": [k.value for k in CooperationKind],
    "role": [r.value for r in MemberRole],
}


def _parse(
    form: TieForm, raw: Mapping[str, str], _: Callable[[str], str]
) -> tuple[dict[str, Any], dict[str, str]]:
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in form.fields:
        text = str(raw.get(name, "")).strip()
        if not text:
            continue
        if name in _DATES:
            try:
                data[name] = _date(text)
            except ValueError:
                errors[name] = _("Bitte ein Datum angeben, z. B. 31.12.2024.")
        elif name == "intensity":
            if text not in ("1", "2", "3"):
                errors[name] = _("Bitte 1, 2 oder 3 wählen.")
            else:
                data[name] = int(text)
        elif name in VOCAB_CHOICES:
            if text not in VOCAB_CHOICES[name]:
                errors[name] = _("Bitte einen Eintrag aus der Liste wählen.")
            else:
                data[name] = text
        else:
            data[name] = text[:2000]
    if "since" in data and "until" in data and data["until"] < data["since"]:
        errors["until"] = _("Das Ende darf nicht vor dem Beginn liegen.")
    return data, errors


def add_tie(
    service: Entities,
    label: NodeLabel,
    node_id: str,
    raw: Mapping[str, str],
    _: Callable[[str], str],
    lang: str = "de",
) -> dict[str, str]:
    """Add the tie typed in ``raw``; returns the errors per field (empty: written; only
    :data:`PROPOSED` with the proposal's id: sent as a proposal for the office to confirm)."""
    form = _form_of(label, str(raw.get("type", "")))
    if form is None:
        return {"": _("Diese Art von Beziehung kann hier nicht angelegt werden.")}
    typed = str(raw.get("other_id", "")).strip()
    other_id = _resolve_other(service.store, form, typed, lang) if typed else ""
    data, errors = _parse(form, raw, _)
    if not typed:
        errors["other_id"] = _("Bitte einen Eintrag aus der Liste wählen.")
    elif other_id is None:
        errors["other_id"] = _(
            "„%(text)s“ passt zu keinem Eintrag: bitte einen Vorschlag aus der Liste wählen."
        ) % {"text": typed[:200]}
    elif other_id == node_id:
        errors["other_id"] = _("Ein Eintrag kann nicht mit sich selbst verbunden werden.")
    if errors or not other_id:
        return errors
    from_id, to_id = (node_id, other_id) if form.node_end == "from" else (other_id, node_id)
    try:
        made = service.create_tie(form.rel, {"from_id": from_id, "to_id": to_id, **data})
    except AlreadyExists:
        return {
            "other_id": _(
                "Diese Beziehung ist schon vorgeschlagen und wartet auf Bestätigung durch die "
                "Redaktion."
            )
        }
    except NotFound:
        return {"other_id": _("Diesen Eintrag gibt es nicht (mehr).")}
    except InvalidRelationship:
        return {"other_id": _("Dieser Eintrag passt nicht zu dieser Art von Beziehung.")}
    except (InvalidValue, ValidationError) as e:
        return {"": _("Die Angaben wurden nicht gespeichert: %(detail)s") % {"detail": str(e)}}
    return {PROPOSED: made.id} if isinstance(made, Proposal) else {}


def change_tie(
    service: Entities,
    node_id: str,
    tie_id: str,
    raw: Mapping[str, str],
    _: Callable[[str], str],
) -> str:
    """End (set ``until``) or delete a tie of this entry; returns an error ('' when done)."""
    tie = service.tie_of(node_id, tie_id)
    action = str(raw.get("action", ""))
    if action == "delete":
        service.delete_tie(tie_id)
        return ""
    if action != "end":
        return _("Ungültige Angaben.")
    text = str(raw.get("until", "")).strip()
    try:
        until = _date(text) if text else clock.today()
    except ValueError:
        return _("Bitte ein Datum angeben, z. B. 31.12.2024.")
    if tie.since and until < tie.since:
        return _("Das Ende darf nicht vor dem Beginn liegen.")
    try:
        service.update_tie(tie_id, {"until": until})
    except (InvalidValue, ValidationError) as e:
        return _("Die Angaben wurden nicht gespeichert: %(detail)s") % {"detail": str(e)}
    return ""
