"""The analysis' reason codes in words (api/services/wording.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.services import wording
from api.services.wording import UnknownReason, say, worded

NETWORK = Path(__file__).resolve().parents[2] / "network"

#: parameters as :mod:`network` gives them, one example per code
EXAMPLES = {
    "shared_work": {
        "areas": ["Lindenau", "Eichenheim"],
        "local": True,
        "fields": {"de": ["Gesundheit", "Wohnen"], "en": ["Health", "Housing"]},
        "common": 2,
        "kinds": ["migrant_organisation", "authority"],
    },
    "isolate": {},
    "outside_main_network": {"size": 3},
    "low_core": {"core": 1},
    "high_constraint": {"constraint": 0.5},
    "single_broker": {"broker": "Caritasverband für die Diözese {Trier} e.V."},
    "no_organisations": {},
    "no_cooperations": {},
    "no_areas": {},
    "no_offers": {},
    "no_council": {},
    "no_seats": {"body": "Projektrat"},
    "mso_cooperation": {
        "internal": 1,
        "total": 3,
        "ei": 0.3333,
        "expected_ei": -0.1,
        "mostly": False,
    },
    "mso_no_ties": {},
}


def _codes_in_network() -> set[str]:
    """Every reason code network/ can produce (the first argument of ``_reason`` and the
    literal ``"code": ...`` values)."""
    codes: set[str] = set()
    for path in NETWORK.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'_reason\(\s*"([a-z_]+)"', text))
        codes |= set(re.findall(r'"code": "([a-z_]+)"', text))
    return codes


def test_every_code_network_gives_has_words_and_an_example() -> None:
    codes = _codes_in_network()
    assert {"isolate", "shared_work", "no_council", "mso_cooperation"} <= codes
    assert codes <= set(EXAMPLES), f"add words and an example for {codes - set(EXAMPLES)}"
    assert set(EXAMPLES) == set(wording._WORDS)


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_each_reason_reads_in_both_languages(code: str) -> None:
    reason = {"code": code, "params": EXAMPLES[code]}
    out = worded(reason)
    assert out["code"] == code and out["params"] == EXAMPLES[code]
    for lang in ("de", "en"):
        text = out[lang]
        assert text and "{" not in text.replace("{Trier}", ""), (code, lang, text)
    assert out["de"] != out["en"]


def test_wording_follows_german_grammar_and_number_format() -> None:
    shared = {"code": "shared_work", "params": EXAMPLES["shared_work"]}
    assert say(shared) == (
        "Beide arbeiten in Lindenau und Eichenheim an den Handlungsfeldern Gesundheit und "
        "Wohnen; 2 gemeinsame Partner; Migrantenorganisation (MSO) und Behörde ohne "
        "Kooperation"
    )
    region = {**EXAMPLES["shared_work"], "areas": ["Saarland"], "local": False, "common": 0}
    region["fields"] = {"de": ["Wohnen"], "en": ["Housing"]}
    region["kinds"] = None
    assert say({"code": "shared_work", "params": region}) == (
        "Beide arbeiten im Gebiet Saarland am Handlungsfeld Wohnen; keine gemeinsamen Partner"
    )
    assert say({"code": "shared_work", "params": region}, "en") == (
        "Both work on housing in Saarland; no common partners"
    )
    mso = {"code": "mso_cooperation", "params": EXAMPLES["mso_cooperation"]}
    assert say(mso) == (
        "Nein: 1 von 3 Kooperationsbeziehungen von Migrantenorganisationen besteht mit "
        "anderen Migrantenorganisationen (E-I 0,33; zufällig -0,10)."
    )
    assert "(E-I 0.33; at random -0.10)" in say(mso, "en")
    # a name with braces is a value, never a template
    broker = {"code": "single_broker", "params": EXAMPLES["single_broker"]}
    assert "Diözese {Trier}" in say(broker)


def test_an_unknown_code_is_a_clear_error() -> None:
    with pytest.raises(UnknownReason, match="new_code"):
        say({"code": "new_code", "params": {}})
