"""The Länder by their key, and the level an AGS names (issue 15: "landesweit")."""

from __future__ import annotations

import pytest

from graph_schema.vocab import AREA_KINDS, STATES, AreaKind, area_kind_of_ags, label_for, state_of


def test_the_sixteen_laender_by_their_two_digit_key() -> None:
    assert list(STATES) == [f"{i:02d}" for i in range(1, 17)]
    assert len(set(STATES.values())) == 16
    assert (STATES["01"], STATES["10"], STATES["16"]) == (
        "Schleswig-Holstein",
        "Saarland",
        "Thüringen",
    )


@pytest.mark.parametrize(
    ("ags", "state", "kind"),
    [
        ("10", ("10", "Saarland"), AreaKind.STATE),
        ("10041", ("10", "Saarland"), AreaKind.REGION),  # Regionalverband Saarbrücken
        ("10041100", ("10", "Saarland"), AreaKind.MUNICIPALITY),  # Saarbrücken
        ("10 0 41 100", ("10", "Saarland"), AreaKind.MUNICIPALITY),
        ("100410100100", ("10", "Saarland"), AreaKind.MUNICIPALITY),  # a Regionalschlüssel
        ("01001000", ("01", "Schleswig-Holstein"), AreaKind.MUNICIPALITY),
        ("09162000", ("09", "Bayern"), AreaKind.MUNICIPALITY),
    ],
)
def test_an_ags_names_its_land_and_its_level(
    ags: str, state: tuple[str, str], kind: AreaKind
) -> None:
    assert state_of(ags) == state
    assert area_kind_of_ags(ags) == kind


@pytest.mark.parametrize(
    "ags", ["", "1", "1001000", "100411", "17", "00", "99000000", "Saarbrücken", "１０", "10-041"]
)
def test_anything_else_names_no_land(ags: str) -> None:
    assert state_of(ags) is None
    assert area_kind_of_ags(ags) is None


def test_a_land_is_an_area_kind_of_its_own() -> None:
    assert AreaKind("state") == AreaKind.STATE
    assert AREA_KINDS[AreaKind.STATE] == ("Land", "State")
    assert (label_for("state"), label_for("state", "en")) == ("Land", "State")
