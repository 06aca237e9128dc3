"""The analysis' reasons in words: German first, English.

:mod:`network` says *why* with a code and its parameters (``{"code": "low_core",
"params": {"core": 1}}``); this module turns them into the sentences the pages, the API,
the CLI and the report show. :func:`worded` adds ``de`` and ``en`` beside the code, so
an answer keeps both languages, as the API promises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graph_schema.vocab import ORGANISATION_KINDS

__all__ = ["LANGUAGES", "UnknownReason", "say", "worded"]

LANGUAGES = ("de", "en")


class UnknownReason(LookupError):
    """A code that has no words here (a new reason in network/ without its text)."""


def _join(items: Sequence[str], lang: str) -> str:
    """``A``, ``A und B``, ``A, B und C`` (``and`` in English)."""
    word = "and" if lang == "en" else "und"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _kind(kind: str | None, lang: str) -> str:
    label = ORGANISATION_KINDS.get(kind) if kind else None  # type: ignore[call-overload]
    if label is None:
        return str(kind)
    return str(label.de) if lang == "de" else label.en[:1].lower() + label.en[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _number(x: float | None, lang: str) -> str:
    if x is None:
        return "–"
    s = f"{x:.2f}"
    return s.replace(".", ",") if lang == "de" else s


def _count(n: int, lang: str, de: tuple[str, str, str], en: tuple[str, str, str]) -> str:
    none, one, many = de if lang == "de" else en
    return none if n == 0 else one if n == 1 else many.format(n=n)


# --------------------------------------------------------------------------- gaps


def _shared_work(p: Mapping[str, Any], lang: str) -> str:
    """Why two organisations could cooperate: where and on what both work."""
    areas, labels = list(p["areas"]), list(p["fields"][lang])
    place = _join(areas, lang)
    if lang == "de":
        topic = (
            f"am Handlungsfeld {labels[0]}"
            if len(labels) == 1
            else f"an den Handlungsfeldern {_join(labels, lang)}"
        )
        # "in Lindenau", but "im Gebiet Saarland" (a Land or a region needs an article)
        where = (
            f"in {place}"
            if p["local"]
            else f"im Gebiet {place}"
            if len(areas) == 1
            else f"in den Gebieten {place}"
        )
        text = f"Beide arbeiten {where} {topic}"
    else:
        text = f"Both work on {_join([_lower_first(x) for x in labels], lang)} in {place}"
    partners = _count(
        int(p["common"]),
        lang,
        ("keine gemeinsamen Partner", "1 gemeinsamer Partner", "{n} gemeinsame Partner"),
        ("no common partners", "1 common partner", "{n} common partners"),
    )
    text += f"; {partners}"
    if p.get("kinds"):
        first, second = p["kinds"]
        word, tail = ("und", "ohne Kooperation") if lang == "de" else ("and", "without cooperation")
        text += f"; {_kind(first, lang)} {word} {_kind(second, lang)} {tail}"
    return text


def _mso_cooperation(p: Mapping[str, Any], lang: str) -> str:
    internal, total = int(p["internal"]), int(p["total"])
    ei, expected = _number(p["ei"], lang), _number(p["expected_ei"], lang)
    if lang == "de":
        return (
            f"{'Ja' if p['mostly'] else 'Nein'}: {internal} von {total} "
            "Kooperationsbeziehungen von Migrantenorganisationen "
            # "1 von 3 ... besteht": the verb agrees with the one
            f"{'besteht' if internal == 1 else 'bestehen'} mit anderen "
            f"Migrantenorganisationen (E-I {ei}; zufällig {expected})."
        )
    return (
        f"{'Yes' if p['mostly'] else 'No'}: {internal} of {total} cooperation "
        f"ties of migrant organisations {'is' if internal == 1 else 'are'} "
        f"with other migrant organisations (E-I {ei}; at random {expected})."
    )


Words = Callable[[Mapping[str, Any], str], str]


def _fixed(de: str, en: str) -> Words:
    return lambda p, lang: de if lang == "de" else en


def _pair(de: str, en: str) -> Words:
    return lambda p, lang: (de if lang == "de" else en).format(**p)


_WORDS: dict[str, Words] = {
    # missing cooperations
    "shared_work": _shared_work,
    # peripheral organisations
    "isolate": _fixed("ohne Kooperationsbeziehung", "no cooperation ties"),
    "outside_main_network": _pair(
        "nicht mit dem Hauptnetzwerk verbunden (Teilnetz aus {size} Organisationen)",
        "not connected to the main network (a part of {size} organisations)",
    ),
    "low_core": _pair(
        "am Rand des Netzwerks (k-Kern {core})", "on the edge of the network (k-core {core})"
    ),
    "high_constraint": lambda p, lang: (
        f"von wenigen Partnern abhängig (Burt-Constraint {_number(p['constraint'], lang)})"
        if lang == "de"
        else f"dependent on few partners (Burt's constraint {_number(p['constraint'], lang)})"
    ),
    "single_broker": _pair(
        "nur über {broker} mit dem Netzwerk verbunden",
        "connected to the network only through {broker}",
    ),
    # what the store still lacks
    "no_organisations": _fixed(
        "Es sind noch keine Organisationen erfasst: unter Organisationen anlegen "
        "oder eine Liste importieren (Import).",
        "No organisations are recorded yet: add them under Organisations or "
        "import a list (Import).",
    ),
    "no_cooperations": _fixed(
        "Es sind noch keine Kooperationen erfasst: bei einer Organisation "
        "„Kooperation hinzufügen“ oder eine Kooperationsliste importieren. Bis "
        "dahin gibt es keine Vermittler und keine Vorschläge für Kooperationen.",
        "No cooperations are recorded yet: add them on an organisation's page or "
        "import a list of cooperations. Until then there are no brokers and no "
        "suggested cooperations.",
    ),
    "no_areas": _fixed(
        "Es sind keine Gemeinden erfasst: unter Gebiete anlegen oder importieren; "
        "erst dann zeigen sich Angebotslücken je Ort.",
        "No municipalities are recorded: add or import them under Areas; only "
        "then can offer gaps be found place by place.",
    ),
    "no_offers": _fixed(
        "Es sind noch keine Angebote erfasst: unter Angebote anlegen, mit "
        "Handlungsfeld und Gebiet; bis dahin ist jedes Feld in jedem Ort eine Lücke.",
        "No offers are recorded yet: add them under Offers, with field and area; "
        "until then every field in every place is a gap.",
    ),
    # the project council
    "no_council": _fixed(
        "Es ist kein Projektrat erfasst: unter Gremien ein Gremium der Art „Projektrat“ "
        "anlegen und seine Mitglieder eintragen.",
        "No project council is recorded yet: add a body of kind “project council” under "
        "Bodies and enter its members.",
    ),
    "no_seats": _pair(
        "{body} hat noch keine Mitglieder: beim Gremium „{body}“ unter Gremien "
        "Mitglieder eintragen.",
        "{body} has no members yet: add them to the body “{body}” under Bodies.",
    ),
    # mixing
    "mso_cooperation": _mso_cooperation,
    "mso_no_ties": _fixed(
        "Keine Kooperationsbeziehungen von Migrantenorganisationen erfasst.",
        "No cooperation ties of migrant organisations recorded.",
    ),
}


def say(reason: Mapping[str, Any], lang: str = "de") -> str:
    """The sentence for ``reason`` (``{"code", "params"}``) in ``lang``.

    Examples:
        >>> say({"code": "low_core", "params": {"core": 1}})
        'am Rand des Netzwerks (k-Kern 1)'
        >>> say({"code": "low_core", "params": {"core": 1}}, "en")
        'on the edge of the network (k-core 1)'
    """
    try:
        words = _WORDS[reason["code"]]
    except KeyError as e:
        raise UnknownReason(f"no words for the reason code {reason.get('code')!r}") from e
    return words(reason.get("params") or {}, lang)


def worded(reason: Mapping[str, Any]) -> dict[str, Any]:
    """``reason`` with its sentence in every language beside the code and parameters."""
    return {**reason, **{lang: say(reason, lang) for lang in LANGUAGES}}
