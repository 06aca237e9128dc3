"""The pages of each kind of entry: list (search, filters, paging), detail, create, edit,
delete and history. One description per section; the routes are built from it.

Every read and write goes through :class:`api.services.entities.Entities`, the API's own
service, so a page shows an edit control exactly where the API would accept the change and
withholds exactly what the API withholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.security import Forbidden, User
from api.services.entities import Entities
from api.services.policy import HiddenProperty
from api.web import lookups
from api.web.forms import (
    ORIGINAL_FIELD,
    VERSION_FIELD,
    changed_meanwhile,
    decode_original,
    encode_original,
    form_fields,
    parse_form,
    raw_values,
)
from api.web.render import WebRoute, gettext_for, page_user, render
from api.web.session import posted_form
from api.web.tie_forms import PROPOSED, add_tie, change_tie, tie_forms
from graph_schema import clock
from graph_schema.errors import (
    AlreadyExists,
    Conflict,
    InvalidRelationship,
    InvalidValue,
    NotFound,
)
from graph_schema.model import Node, NodeLabel, RelType
from graph_schema.registry import LABELS, LabelEntry
from graph_schema.store import GraphStore
from graph_schema.vocab import BodyKind

__all__ = ["SECTIONS", "Section", "router", "section_of"]

PAGE_SIZE = 25

PageUser = Annotated[User, Depends(page_user)]


@dataclass(frozen=True)
class Section:
    """A list page with its entries' pages: the registry's entry of one label."""

    entry: LabelEntry

    @property
    def slug(self) -> str:
        return str(self.entry.page)

    @property
    def label(self) -> NodeLabel:
        return self.entry.label

    @property
    def title(self) -> str:
        return self.entry.plural

    @property
    def singular(self) -> str:
        return self.entry.singular

    @property
    def filters(self) -> tuple[str, ...]:
        return self.entry.filters

    @property
    def columns(self) -> tuple[str, ...]:
        return self.entry.columns


#: the labels with pages of their own, in the navigation's order
SECTIONS: tuple[Section, ...] = tuple(Section(e) for e in LABELS.values() if e.page)

_BY_LABEL = {s.label: s for s in SECTIONS}

#: filter name -> (query parameter, store keyword)
_FILTERS = {
    "kind": ("art", "kind"),
    "area": ("gebiet", "area"),
    "field": ("feld", "field"),
    "target_group": ("zielgruppe", "target_group"),
    "programme": ("programm", "programme"),
}

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def section_of(label: NodeLabel | str) -> Section | None:
    """The section that shows entries of ``label`` (None: no page of its own)."""
    try:
        return _BY_LABEL.get(NodeLabel(label))
    except ValueError:
        return None


def entity_url(label: NodeLabel | str, node_id: str) -> str | None:
    section = section_of(label)
    return f"/{section.slug}/{node_id}" if section else None


def _store(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


def _service(request: Request, user: User) -> Entities:
    return Entities(_store(request), user)


def _filter_options(store: GraphStore, section: Section, lang: str) -> dict[str, Any]:
    from api.web.labels import choices_for

    options: dict[str, Any] = {}
    for name in section.filters:
        if name == "kind":
            options[name] = choices_for(section.label, "kind", lang)
        elif name == "area":
            options[name] = lookups.choices(store, NodeLabel.AREA, lang)
        elif name == "field":
            options[name] = lookups.choices(store, NodeLabel.FIELD, lang)
        elif name == "target_group":
            options[name] = lookups.choices(store, NodeLabel.TARGET_GROUP, lang)
        else:
            options[name] = None  # free text
    return options


def _add_list_page(section: Section) -> None:
    """The list of a label's entries, with filters, search, sorting and pages."""
    label = section.label
    base = f"/{section.slug}"

    @router.get(base, name=f"{section.slug}-list")
    def list_page(
        request: Request,
        user: PageUser,
        q: Annotated[str | None, Query(max_length=200)] = None,
        art: Annotated[str | None, Query(max_length=60)] = None,
        gebiet: Annotated[str | None, Query(max_length=100)] = None,
        feld: Annotated[str | None, Query(max_length=100)] = None,
        zielgruppe: Annotated[str | None, Query(max_length=100)] = None,
        programm: Annotated[str | None, Query(max_length=100)] = None,
        sortierung: Annotated[str | None, Query(max_length=40)] = None,
        seite: Annotated[int, Query(ge=1, le=100_000)] = 1,
    ) -> Response:
        store = _store(request)
        service = Entities(store, user)
        _ = gettext_for(user.language)
        given = {
            "kind": art,
            "area": gebiet,
            "field": feld,
            "target_group": zielgruppe,
            "programme": programm,
        }
        kwargs: dict[str, Any] = {}
        for name in section.filters:
            value = (given.get(name) or "").strip() or None
            if value is not None:
                kwargs[name] = value
        sort = sortierung if sortierung and sortierung.lstrip("-") in section.columns else None
        if sort and sort.lstrip("-") in ("languages",):
            sort = None
        offset = (seite - 1) * PAGE_SIZE
        message, status = "", 200
        try:
            listed = service.list(
                label, q=q or None, sort=sort, limit=PAGE_SIZE, offset=offset, **kwargs
            )
        except HiddenProperty as e:
            # the list again, in its usual order, saying why
            message, status, sort = _hidden_message(e, _), e.status, None
            listed = service.list(label, q=q or None, limit=PAGE_SIZE, offset=offset, **kwargs)
        rows, total = listed.items, listed.total
        withheld = service.access.columns_withheld(label)
        hidden = service.access.hidden(label)
        columns = [c for c in section.columns if c not in withheld]
        sortable = [c for c in columns if c not in hidden and c != "languages"]
        pages = max(1, -(-total // PAGE_SIZE))
        council = None
        if label == NodeLabel.BODY:
            found = store.list(NodeLabel.BODY, kind=BodyKind.PROJECT_COUNCIL.value, limit=1)
            council = found.items[0] if found.items else None
        return render(
            request,
            "entity_list.html",
            {
                "section": section,
                "rows": rows,
                "columns": columns,
                "total": total,
                "page": seite,
                "pages": pages,
                "q": q or "",
                "selected": {
                    "kind": art or "",
                    "area": gebiet or "",
                    "field": feld or "",
                    "target_group": zielgruppe or "",
                    "programme": programm or "",
                },
                "filter_params": {k: v[0] for k, v in _FILTERS.items()},
                "options": _filter_options(store, section, user.language),
                "sort": sort or "",
                "sortable": sortable,
                "message": message,
                "can_create": service.may_change(label, None),
                "council": council,
            },
            status=status,
        )


def _add_entry_pages(section: Section) -> None:
    """An entry's page, and the forms that create it."""
    label = section.label
    base = f"/{section.slug}"

    @router.get(base + "/neu", name=f"{section.slug}-new")
    def new_page(request: Request, user: PageUser) -> Response:
        service = _service(request, user)
        if not service.may_change(label, None):
            raise Forbidden("create")
        return _form(request, service, section, None, {}, {}, "")

    @router.post(base + "/neu")
    async def create(request: Request) -> Response:
        form, user = await posted_form(request, page_user)
        raw = {k: str(v)[:6000] for k, v in form.items() if k != "csrf_token"}
        return await run_in_threadpool(_save, request, user, section, None, raw)

    @router.get(base + "/{node_id}", name=f"{section.slug}-detail")
    def detail_page(request: Request, user: PageUser, node_id: str) -> Response:
        service = _service(request, user)
        node = service.get(label, node_id)
        return render(request, "entity_detail.html", _detail(service, section, node))


def _add_tie_forms(section: Section) -> None:
    """The forms that add, end, change and delete an entry's ties."""
    label = section.label
    base = f"/{section.slug}"

    @router.post(base + "/{node_id}/beziehungen")
    async def add_tie_form(request: Request, node_id: str) -> Response:
        form, user = await posted_form(request, page_user)
        raw = {k: str(v)[:2000] for k, v in form.items() if k != "csrf_token"}

        def run() -> Response:
            service = _service(request, user)
            node = service.get(label, node_id)
            errors = add_tie(
                service, label, node_id, raw, gettext_for(user.language), user.language
            )
            if not errors or PROPOSED in errors:
                done = "vorgeschlagen" if errors else "gespeichert"
                return RedirectResponse(f"{base}/{node_id}?{done}=1#h-ties", status_code=303)
            context = _detail(
                service, section, node, rel=raw.get("type", ""), values=raw, errors=errors
            )
            return render(request, "entity_detail.html", context, status=422)

        return await run_in_threadpool(run)

    @router.post(base + "/{node_id}/beziehungen/{tie_id}")
    async def change_tie_form(request: Request, node_id: str, tie_id: str) -> Response:
        form, user = await posted_form(request, page_user)
        raw = {k: str(v)[:200] for k, v in form.items() if k != "csrf_token"}

        def run() -> Response:
            service = _service(request, user)
            node = service.get(label, node_id)
            if raw.get("action") == "delete" and raw.get("bestaetigt") != "1":
                # a deletion is confirmed on its own page first (works without JavaScript)
                if not service.may_change_tie(service.tie_of(node_id, tie_id)):
                    raise Forbidden("delete tie")
                return RedirectResponse(f"{base}/{node_id}/beziehungen/{tie_id}/loeschen", 303)
            error = change_tie(service, node_id, tie_id, raw, gettext_for(user.language))
            if not error:
                return RedirectResponse(f"{base}/{node_id}?gespeichert=1#h-ties", status_code=303)
            context = _detail(service, section, node)
            context["tie_error"] = {"id": tie_id, "message": error, "until": raw.get("until", "")}
            return render(request, "entity_detail.html", context, status=422)

        return await run_in_threadpool(run)

    @router.get(base + "/{node_id}/beziehungen/{tie_id}/loeschen")
    def delete_tie_page(request: Request, user: PageUser, node_id: str, tie_id: str) -> Response:
        service = _service(request, user)
        node = service.get(label, node_id)
        found = [t for t in service.neighbours(node.id) if t["id"] == tie_id]
        if not found:
            raise NotFound(f"tie {tie_id} of {node_id}")
        if not service.may_change_tie(found[0]["tie"]):
            raise Forbidden("delete tie")
        return render(
            request,
            "entity_tie_delete.html",
            {
                "section": section,
                "node": node,
                "tie": found[0]["tie"],
                "other_name": found[0]["other_name"],
                "other_label": found[0]["other_label"],
            },
        )


def _add_change_pages(section: Section) -> None:
    """The forms that change and delete an entry, and its history."""
    label = section.label
    base = f"/{section.slug}"

    @router.get(base + "/{node_id}/bearbeiten", name=f"{section.slug}-edit")
    def edit_page(request: Request, user: PageUser, node_id: str) -> Response:
        service = _service(request, user)
        node = service.get(label, node_id)
        if not service.may_change(label, node_id):
            raise Forbidden("edit")
        values = raw_values(service.values(node))
        version = (service.version(node), encode_original(values))
        return _form(request, service, section, node, values, {}, "", version=version)

    @router.post(base + "/{node_id}/bearbeiten")
    async def update(request: Request, node_id: str) -> Response:
        form, user = await posted_form(request, page_user)
        raw = {
            # the values the form showed (hidden, all fields) may be longer than one field
            k: str(v)[: 64_000 if k == ORIGINAL_FIELD else 6000]
            for k, v in form.items()
            if k != "csrf_token"
        }
        return await run_in_threadpool(_save, request, user, section, node_id, raw)

    @router.get(base + "/{node_id}/loeschen", name=f"{section.slug}-delete")
    def delete_page(request: Request, user: PageUser, node_id: str) -> Response:
        service = _service(request, user)
        node = service.get(label, node_id)
        if not service.may_change(label, node_id):
            raise Forbidden("delete")
        return render(request, "entity_delete.html", {"section": section, "node": node})

    @router.post(base + "/{node_id}/loeschen")
    async def delete(request: Request, node_id: str) -> Response:
        form, user = await posted_form(request, page_user)

        await run_in_threadpool(_service(request, user).delete, label, node_id)
        return RedirectResponse(f"{base}?geloescht=1", status_code=303)

    @router.get(base + "/{node_id}/verlauf", name=f"{section.slug}-history")
    def history_page(
        request: Request,
        user: PageUser,
        node_id: str,
        seite: Annotated[int, Query(ge=1, le=100_000)] = 1,
    ) -> Response:
        service = _service(request, user)
        size = 50
        found = service.history(
            entity_id=node_id, label=label, limit=size, offset=(seite - 1) * size
        )
        total, items = found.total, found.items
        node = None
        try:
            node = service.get(label, node_id)
        except NotFound:
            pass  # deleted: its history stays readable
        for item in items:
            item["changes"] = _changes(item["before"], item["after"], item["withheld"])
        return render(
            request,
            "entity_history.html",
            {
                "section": section,
                "node": node,
                "node_id": node_id,
                "items": items,
                "total": total,
                "page": seite,
                "pages": max(1, -(-total // size)),
            },
        )


def _changes(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    withheld: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Properties whose value differs: (name, before, after); a value withheld from the
    reader shows as changed, without the value."""
    before, after = before or {}, after or {}
    rows = []
    for key in sorted(set(before) | set(after)):
        if key in ("id", "type"):
            continue
        old, new = before.get(key), after.get(key)
        if old != new:
            rows.append({"name": key, "before": old, "after": new})
    # "phone", "merged.email": the property's name is the last part, each named once
    for name in dict.fromkeys(path.rsplit(".", 1)[-1] for path in withheld):
        rows.append({"name": name, "before": None, "after": None, "withheld": True})
    return rows


def _detail(
    service: Entities,
    section: Section,
    node: Any,
    *,
    rel: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    store, user, label = service.store, service.user, section.label
    data = service.values(node)
    ties: list[dict[str, Any]] = []
    for t in service.neighbours(node.id):
        tie, other_id = t["tie"], t["other_id"]
        ties.append(
            {
                **t,
                "type": str(tie.type),
                "other_label": str(t["other_label"]),
                "other_name": t["other_name"] or other_id,
                "other_url": entity_url(t["other_label"], other_id),
                "ended": tie.until is not None and tie.until < _today(),
                "properties": {k: v for k, v in t["properties"].items() if v not in (None, "")},
                "can_change": service.may_change_tie(tie),
            }
        )
    ties.sort(key=lambda t: (t["type"], t["direction"], t["ended"], str(t["other_name"]).lower()))
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for t in ties:
        # a cooperation reads the same from both ends: one group, whoever recorded it
        side = "out" if t["type"] == RelType.COOPERATES_WITH else t["direction"]
        groups.setdefault((t["type"], side), []).append(t)
    for items in groups.values():
        items.sort(key=lambda t: (t["ended"], str(t["other_name"]).lower()))
    members = []
    if label == NodeLabel.BODY:
        for t in ties:
            if t["type"] == RelType.MEMBER_OF and t["direction"] == "in":
                represents = []
                if t["other_label"] == NodeLabel.PERSON:
                    reps = store.list_ties(RelType.REPRESENTS, from_id=t["other_id"])
                    for r in reps:  # type: ignore[attr-defined]
                        try:
                            org = store.get(NodeLabel.ORGANISATION, r.to_id)
                        except NotFound:
                            continue
                        represents.append({"id": org.id, "name": org.display_name})
                members.append({**t, "represents": represents})
        order = {"chair": 0, "deputy": 1, "member": 2, "advisory": 3, "guest": 4}
        members.sort(
            key=lambda m: (
                m["ended"],
                order.get(str(m["properties"].get("role")), 9),
                str(m["other_name"]).lower(),
            )
        )
    forms = tie_forms(service, label, node.id, user.language, rel=rel, values=values, errors=errors)
    return {
        "section": section,
        "node": node,
        "data": data,
        "groups": groups,
        "members": members,
        "can_edit": service.may_change(label, node.id),
        "hidden": list(service.hidden(node)),
        "tie_forms": forms,
        "tie_message": (errors or {}).get("", "") if not any(f["open"] for f in forms) else "",
        "tie_error": None,
    }


def _today() -> Any:
    return clock.today()


def _form(
    request: Request,
    service: Entities,
    section: Section,
    node: Node | None,
    values: dict[str, str],
    errors: dict[str, str],
    message: str,
    status: int = 200,
    *,
    version: tuple[str, str] = ("", ""),
) -> Response:
    """The create or edit form; an edit form carries ``version``: the entry's version and
    the values it showed (:func:`api.web.forms.encode_original`), sent back when saved."""
    hidden = service.hidden(node) if node is not None else ()
    fields = [
        f
        for f in form_fields(section.label, service.user.language, with_id=node is None)
        if f.name not in hidden
    ]
    return render(
        request,
        "entity_form.html",
        {
            "section": section,
            "node": node,
            "fields": fields,
            "values": values,
            "errors": errors,
            "message": message,
            "version_fields": {VERSION_FIELD: version[0], ORIGINAL_FIELD: version[1]},
        },
        status=status,
    )


def _save(
    request: Request, user: User, section: Section, node_id: str | None, raw: dict[str, str]
) -> Response:
    """Validate and write; on any problem the form again with what was typed."""
    service = _service(request, user)
    label = section.label
    _ = gettext_for(user.language)
    node = service.get(label, node_id) if node_id else None
    service.check_change(label, node_id)
    data, errors = parse_form(label, raw, _, creating=node is None)
    hidden = service.hidden(node) if node is not None else ()
    for prop in hidden:  # fields the user cannot see are never changed from the form
        data.pop(prop, None)
    message = ""
    if not errors:
        try:
            if node is None:
                data = {k: v for k, v in data.items() if v not in (None, [])}
                saved = service.create(label, data)
            else:
                # a form shown before someone else's change must not undo it
                expected = raw.get(VERSION_FIELD) or None
                saved = service.update(label, node.id, data, expected_version=expected)
            return RedirectResponse(f"/{section.slug}/{saved.id}?gespeichert=1", status_code=303)
        except AlreadyExists:
            errors["id"] = _("Diese Kennung ist schon vergeben: bitte eine andere wählen.")
        except (InvalidValue, InvalidRelationship) as e:
            message = _("Die Angaben wurden nicht gespeichert: %(detail)s") % {"detail": e.message}
        except Conflict:
            return _stale(request, service, section, node_id or "", raw)
    if errors and not message:
        message = _("Bitte prüfen Sie die markierten Felder.")
    version = (raw.get(VERSION_FIELD, ""), raw.get(ORIGINAL_FIELD, ""))
    return _form(request, service, section, node, raw, errors, message, 422, version=version)


def _stale(
    request: Request, service: Entities, section: Section, node_id: str, raw: dict[str, str]
) -> Response:
    """The edit form again after someone else changed the entry (409, nothing written):
    beside each field changed meanwhile what is stored now and what was typed. A field the
    user left as shown takes the stored value; the form carries the new version."""
    _ = gettext_for(service.user.language)
    current = service.get(section.label, node_id)
    stored = raw_values(service.values(current))
    hidden = service.hidden(current)
    names = [
        f.name
        for f in form_fields(section.label, service.user.language, with_id=False)
        if f.name not in hidden
    ]
    values, errors = dict(raw), {}
    original = decode_original(raw.get(ORIGINAL_FIELD))
    for field in changed_meanwhile(names, stored, original, raw):
        both = {"stored": field.stored or _("(leer)"), "typed": field.typed or _("(leer)")}
        if field.untouched:
            values[field.name] = field.stored
            text = _(
                "Inzwischen geändert: gespeichert ist jetzt „%(stored)s“ (ins Formular "
                "übernommen); Ihr Formular zeigte „%(typed)s“."
            )
        else:
            text = _(
                "Inzwischen geändert: gespeichert ist jetzt „%(stored)s“, Ihre Eingabe ist "
                "„%(typed)s“. Bitte entscheiden Sie, welcher Wert gelten soll."
            )
        errors[field.name] = text % both
    message = _(
        "Jemand hat diesen Eintrag geändert, während Sie ihn bearbeitet haben: nichts wurde "
        "gespeichert. Bitte prüfen Sie die markierten Felder und speichern Sie erneut."
    )
    version = (service.version(current), encode_original(stored))
    return _form(request, service, section, current, values, errors, message, 409, version=version)


def _hidden_message(e: HiddenProperty, _: Any) -> str:
    """Why a list cannot be sorted, filtered or searched as asked, for people."""
    from api.web.labels import PROPERTIES

    name = _(PROPERTIES.get(e.prop, e.prop))
    if e.use == "sort":
        text = _(
            "Nach „%(field)s“ kann nicht sortiert werden: dieses Feld ist für Ihre Rolle "
            "nicht bei allen Einträgen sichtbar (personenbezogene Daten). Die Liste ist in "
            "der üblichen Reihenfolge."
        )
    else:
        text = _(
            "Nach „%(field)s“ kann nicht gesucht oder gefiltert werden: dieses Feld ist für "
            "Ihre Rolle nicht bei allen Einträgen sichtbar (personenbezogene Daten)."
        )
    return str(text % {"field": name})


for _section in SECTIONS:  # in this order: "/neu" before "/{node_id}"
    for _add in (_add_list_page, _add_entry_pages, _add_tie_forms, _add_change_pages):
        _add(_section)
