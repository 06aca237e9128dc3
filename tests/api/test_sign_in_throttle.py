"""Sign-in throttles instead of lockouts (issue 14, item 5), on a simulated clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.security import (
    ACCOUNT_DELAY_CAP_S,
    LoginLimiter,
    TooManyAttempts,
    Unauthorized,
    authenticate,
    hash_password,
)
from graph_schema.store import GraphStore, open_ladybug
from graph_schema.store.records import Account
from tests.api.conftest import PASSWORD, ROLES, Api, make_api, seed

ATTACKER, PERSON, COLLEAGUE = "203.0.113.66", "198.51.100.7", "198.51.100.8"


class Clock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    """A store with an account per role (password: PASSWORD)."""
    s = open_ladybug(tmp_path / "data")
    s.init()
    hashed = hash_password(PASSWORD)
    for role in ROLES:
        s.accounts.create(Account(role, hashed, role))
    yield s
    s.close()


@pytest.fixture
def throttled_api(tmp_path: Path) -> Iterator[tuple[Api, Clock]]:
    """The API with a limiter on a simulated clock."""
    s = open_ladybug(tmp_path / "api")
    s.init()
    seed(s)
    for api in make_api(s, tmp_path / "api"):
        clock = Clock()
        api.client.app.state.limiter = LoginLimiter(clock=clock)  # type: ignore[attr-defined]
        yield api, clock
    s.close()


def _try(store: GraphStore, limiter: LoginLimiter, user: str, password: str, address: str) -> str:
    """'ok', 'wrong' or 'wait:<seconds>'."""
    try:
        authenticate(store, limiter, user, password, address)
    except TooManyAttempts as e:
        return f"wait:{e.retry_after}"
    except Unauthorized:
        return "wrong"
    return "ok"


def test_the_right_password_gets_in_within_a_minute_during_a_sustained_attack(
    store: GraphStore,
) -> None:
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    start = clock.now
    first_try = start + 45  # the person arrives in the middle of the attack
    person_in_at = None
    answers = {"wrong": 0, "wait": 0}
    while clock.now < start + 180:
        # the attacker hammers every half second, always just before the person
        got = _try(store, limiter, "editor", "wrong guess!", ATTACKER)
        answers["wait" if got.startswith("wait:") else got] += 1
        if person_in_at is None and clock.now >= first_try:
            got = _try(store, limiter, "editor", PASSWORD, PERSON)
            if got == "ok":
                person_in_at = clock.now
            else:
                assert got.startswith("wait:"), got
                assert int(got[5:]) <= ACCOUNT_DELAY_CAP_S
                first_try = clock.now + int(got[5:])  # comes back when told
        clock.now += 0.5
    assert person_in_at is not None and person_in_at - (start + 45) <= ACCOUNT_DELAY_CAP_S + 1
    # the attacker was throttled, not let through: about one guess per 30 s at the end
    assert answers["wrong"] <= 15 and answers["wait"] > 300


def test_a_throttle_delays_and_the_right_password_after_the_wait_gets_in(
    store: GraphStore,
) -> None:
    """The old rule locked an account for 15 minutes after 5 failures, right password or not."""
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    waits = []
    for _ in range(8):
        assert _try(store, limiter, "editor", "wrong guess!", PERSON) == "wrong"
        got = _try(store, limiter, "editor", PASSWORD, PERSON)
        waits.append(int(got.removeprefix("wait:")))
        clock.now += waits[-1]
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]  # doubling from 1 s, at most 30 s
    assert _try(store, limiter, "editor", PASSWORD, PERSON) == "ok"
    # success ends the account's wait: the next failure starts again at 1 s
    assert _try(store, limiter, "editor", "wrong guess!", COLLEAGUE) == "wrong"
    assert _try(store, limiter, "editor", PASSWORD, COLLEAGUE) == "wait:1"


def test_one_address_failures_do_not_block_another_address(store: GraphStore) -> None:
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    for i in range(40):  # sprays names from one address
        got = _try(store, limiter, f"name{i}", "wrong guess!", ATTACKER)
        assert got in ("wrong", "wait:1") or got.startswith("wait:")
    assert _try(store, limiter, "viewer", PASSWORD, ATTACKER).startswith("wait:")
    # ... but the address's throttle is its own: others sign in at once
    assert _try(store, limiter, "viewer", PASSWORD, COLLEAGUE) == "ok"
    assert _try(store, limiter, "partner", PASSWORD, PERSON) == "ok"


def test_parallel_attempts_cannot_slip_past_a_wait(store: GraphStore) -> None:
    """An admitted attempt counts as failed until it succeeds: a second one waits."""
    limiter = LoginLimiter(clock=Clock())
    limiter.admit("editor", ATTACKER)  # in flight, its password not yet checked
    with pytest.raises(TooManyAttempts):
        limiter.admit("editor", ATTACKER)


def test_admins_see_and_lift_throttles(throttled_api: tuple[Api, Clock]) -> None:
    api, clock = throttled_api
    for _ in range(3):
        clock.now += 10
        r = api.client.post("/api/auth/token", data={"username": "Editor", "password": "nope!"})
        assert r.status_code == 401
    r = api.client.post("/api/auth/token", data={"username": "editor", "password": PASSWORD})
    assert r.status_code == 429 and r.headers["Retry-After"] == "4"
    seen = api.as_("admin", "GET", "/api/users/throttles").json()
    rows = {(t["kind"], t["key"]): t for t in seen["items"]}
    assert rows[("account", "editor")]["failures"] == 3
    assert rows[("account", "editor")]["retry_after"] == 4
    assert rows[("address", "testclient")]["retry_after"] == 0  # within its allowance
    assert api.as_("editor", "GET", "/api/users/throttles").status_code == 403
    assert api.as_("editor", "DELETE", "/api/users/throttles").status_code == 403
    r = api.as_("admin", "DELETE", "/api/users/throttles", params={"account": "editor"})
    assert r.status_code == 204
    keys = {
        (t["kind"], t["key"])
        for t in api.as_("admin", "GET", "/api/users/throttles").json()["items"]
    }
    assert ("account", "editor") not in keys and ("address", "testclient") in keys
    r = api.client.post("/api/auth/token", data={"username": "editor", "password": PASSWORD})
    assert r.status_code == 200
    assert api.as_("admin", "DELETE", "/api/users/throttles").status_code == 204
    assert api.as_("admin", "GET", "/api/users/throttles").json()["total"] == 0
    lifted = api.as_("admin", "GET", "/api/history", params={"entity": "editor"}).json()
    assert lifted["items"][0]["action"] == "throttle_lifted"


def test_failed_sign_ins_are_in_the_history_for_admins_only(
    throttled_api: tuple[Api, Clock],
) -> None:
    api, clock = throttled_api
    api.client.post("/api/auth/token", data={"username": "viewer", "password": "secret guess 1"})
    clock.now += 5
    api.client.post("/api/auth/token", data={"username": "nobody", "password": "secret guess 2"})
    clock.now += 5
    r = api.as_(
        "editor",
        "POST",
        "/api/me/password",
        json={"current_password": "secret guess 3", "new_password": "another long one"},
    )
    assert r.status_code == 422
    history = api.as_("admin", "GET", "/api/history").json()["items"]
    failed = [h for h in history if h["action"] == "sign_in_failed"]
    assert [(h["entity_id"], h["after"]) for h in failed] == [
        ("editor", {"username": "editor", "address": "testclient"}),
        ("nobody", {"username": "nobody", "address": "testclient"}),
        ("viewer", {"username": "viewer", "address": "testclient"}),
    ]
    assert "secret guess" not in str(history)
    # editors read the history of the data, not who failed to sign in from where
    for role in ("editor",):
        items = api.as_(role, "GET", "/api/history").json()["items"]
        assert not [h for h in items if h["entity_type"] == "account"]


def test_failures_are_forgotten_after_15_quiet_minutes() -> None:
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    for _ in range(6):
        limiter.admit("editor", PERSON)  # each counted as failed: no success follows
        clock.now += 31
    clock.now += 15 * 60
    limiter.admit("editor", PERSON)
    with pytest.raises(TooManyAttempts) as waited:
        limiter.admit("editor", PERSON)
    assert waited.value.retry_after == 1  # starts again at 1 s, not at 30 s
