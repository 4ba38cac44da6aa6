"""One simulated tablet of bench/load.py: a member of staff ringing up checks over HTTP.

A tablet talks to the server as the real ones do (pos.authentication, pos.idempotency):
`Authorization: Device <its own token>`, then `POST /auth/pin` with a staff PIN for the
`X-Staff-Token` it sends from then on. Every POST carries the tablet's UUIDs in its body
(client_id, line_id, session_id, new_client_id, payment_id) and an `Idempotency-Key` made
once per intended action; a request that got no answer (connection dropped, timeout) is sent
again with the same key and body, so it can never act twice, and is counted as a retry.

It keeps one keep-alive connection (http.client) and waits a random think time between two
actions, drawn from its own seeded generator, like staff tapping between guests' requests.

A check, as staff ring it up:
    POST /tabs                            "open tab"
    one in five: GET /rentals/board, then POST /rentals/sessions on a free game, billed to
      the tab ("board", "start game"; 409 resource_busy when another tablet took it first
      is counted apart as a game found busy, not an error); per-game boards record games
    POST /tabs/{id}/lines, 2 to 5         "add line" (required modifiers chosen; 21+ confirmed)
    POST /tabs/{id}/send                  "send" (tickets for the bar and the grill)
    one in four: a line on a check another tablet has open ("add line elsewhere", a drink
      for a table served from the bar); 409 tab_not_open when that check closed meanwhile is
      counted apart. A check is offered to the others from its send until its owner starts
      paying; a line already on its way may still land, and the owner then pays the rest.
    POST /rentals/sessions/{id}/stop      "stop game": the session becomes a line on the tab
    GET  /tabs/{id}                       "read check"
    then one of:
      one in five: POST /tabs/{id}/split (some lines to a new check), and each check is paid;
      one in seven: GET /tabs/{id}/even-split?parts=2..3 and one payment per part;
      else one payment of what is due.
    A payment is cash (one in four, handed over in $20 notes) or card through the fake gateway
    (a tip on most). The payment that closes a check is "close check" (its answer must say
    closed); a part payment that leaves some due is "pay part".
"""

import http.client
import json
import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

API = "/api/v1"
RETRIES = 3  # sends of one request without an answer before it counts as an error
# A connection idle this long is opened afresh before the next request, as a browser does: the
# server closes keep-alive connections after its own timeout (10 s, bench/load.py).
IDLE_RECONNECT_S = 5.0
PAY_ROUNDS = 5  # payments of what is due before a check that will not close is an error
TIMEOUT_S = 120

RENTAL_SHARE = 0.2
ELSEWHERE_SHARE = 0.25
SPLIT_SHARE = 0.2
EVEN_SPLIT_SHARE = 0.15
CASH_SHARE = 0.25
TIP_SHARE = 0.6
DECLINED_CENTS = 1313  # the fake gateway declines a charge of exactly this (FakeGateway)
NAMES = ["Sam", "Alex", "Priya", "Jordan", "Kim", "Luis", "Maya", "Omar", "Rosa", "Chen"]


class Failure(Exception):
    """A request answered with an unexpected status, or not at all."""


@dataclass(frozen=True)
class MenuItem:
    id: int
    modifier_ids: list[int]  # a valid choice: the first options of every required group
    age_restricted: bool


class Floor:
    """The checks open on the floor now (published once sent), which any tablet may add to."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open: dict[int, int] = {}  # check id -> the tablet that opened it

    def publish(self, tab_id: int, owner: int) -> None:
        with self.lock:
            self.open[tab_id] = owner

    def withdraw(self, tab_id: int) -> None:
        with self.lock:
            self.open.pop(tab_id, None)

    def other_than(self, owner: int, rng: random.Random) -> int | None:
        with self.lock:
            others = sorted(tab for tab, by in self.open.items() if by != owner)
        return rng.choice(others) if others else None


class Tablet:
    """A device, the staff member signed in on it, its connection, timings and counts."""

    def __init__(
        self, *, port: int, device_token: str, seed: int, think: tuple[float, float],
        floor: Floor,
    ) -> None:  # fmt: skip
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        self.headers = {
            "Authorization": f"Device {device_token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.rng = random.Random(seed)
        self.floor = floor
        self.think_range = think
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.retries: list[str] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.device_id: int | None = None
        self.drawer_id: int | None = None
        self.last = ("", 0, 0.0)  # the last answer: kind, status, when (for retry reports)

    # --- requests --------------------------------------------------------------------------

    def sign_in(self, staff_id: int, pin: str) -> None:
        answer = self.send("sign in", "POST", "/auth/pin", {"staff_id": staff_id, "pin": pin})
        self.headers["X-Staff-Token"] = answer["staff_token"]
        me = self.send("who am I", "GET", "/auth/me")
        self.device_id, self.drawer_id = me["device"]["id"], me["device"]["drawer_id"]

    def get(self, kind: str, path: str) -> dict:
        self.think()
        return self.send(kind, "GET", path)

    def post(self, kind: str, path: str, body: dict, *, tolerate: tuple[str, ...] = ()):
        self.think()
        return self.send(kind, "POST", path, body, key=str(uuid.uuid4()), tolerate=tolerate)

    def think(self) -> None:
        time.sleep(self.rng.uniform(*self.think_range))

    def send(
        self, kind: str, method: str, path: str, body: dict | None = None, *,
        key: str | None = None, tolerate: tuple[str, ...] = (),
    ) -> dict | None:  # fmt: skip
        """Send until answered (same key and body each time); time the answered send.

        Return the JSON answer; None for a 409 whose code is in `tolerate`. Raise Failure.
        """
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        payload = json.dumps(body).encode() if body is not None else None
        if time.perf_counter() - self.last[2] > IDLE_RECONNECT_S:
            self.connection.close()
        for attempt in range(1, RETRIES + 1):
            started = time.perf_counter()
            try:
                self.connection.request(method, API + path, body=payload, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.HTTPException, OSError) as error:
                self.connection.close()  # reconnects on the next request
                last, status, at = self.last
                self.retries.append(
                    f"{kind}: {type(error).__name__} {error} (after {last} {status}, "
                    f"{time.perf_counter() - at:.2f} s before)"
                )
                if attempt == RETRIES:
                    raise Failure(f"{kind} {method} {path}: no answer ({error})") from error
                continue
            self.timings[kind].append(time.perf_counter() - started)
            self.last = (kind, response.status, time.perf_counter())
            break
        answer = json.loads(content) if content else {}
        if response.status == 409 and answer.get("code") in tolerate:
            return None
        if response.status not in (200, 201):
            raise Failure(f"{kind} {method} {path}: {response.status} {content[:240]!r}")
        return answer

    # --- a check ---------------------------------------------------------------------------

    def ring_up(self, menu: list[MenuItem]) -> None:
        """Ring up one check (see the module docstring); raise Failure at the first error."""
        rng = self.rng
        body = {"client_id": str(uuid.uuid4()), "name": rng.choice(NAMES)}
        if rng.random() < 0.6:
            body["table"] = str(rng.randint(1, 24))
        tab_id = self.post("open tab", "/tabs", body)["id"]
        self.counts["checks opened"] += 1
        game = self.start_game(tab_id) if rng.random() < RENTAL_SHARE else None
        line_ids = [self.add_line(tab_id, rng.choice(menu)) for _ in range(rng.randint(2, 5))]
        self.post("send", f"/tabs/{tab_id}/send", {})
        self.floor.publish(tab_id, self.device_id)
        if rng.random() < ELSEWHERE_SHARE:
            self.add_line_elsewhere(rng.choice(menu))
        if game is not None:
            self.stop_game(game)
        self.floor.withdraw(tab_id)  # presented to the guest: no more rounds on it
        due = cents(self.get("read check", f"/tabs/{tab_id}")["figures"]["due"])
        roll = rng.random()
        if roll < SPLIT_SHARE:
            moved = rng.sample(line_ids, rng.randint(1, len(line_ids) - 1))
            split = {"new_client_id": str(uuid.uuid4()), "line_ids": moved}
            other = self.post("split", f"/tabs/{tab_id}/split", split)
            self.counts["splits"] += 1
            self.pay(other["id"], cents(other["figures"]["due"]), closes=True)
            due = cents(self.get("read check", f"/tabs/{tab_id}")["figures"]["due"])
            self.pay(tab_id, due, closes=True)
        elif roll < SPLIT_SHARE + EVEN_SPLIT_SHARE:
            parts = rng.randint(2, 3)
            split = self.get("even split", f"/tabs/{tab_id}/even-split?parts={parts}")
            amounts = [cents(part) for part in split["parts"]]
            self.counts["even splits"] += 1
            for n, amount in enumerate(amounts, start=1):
                self.pay(tab_id, amount, closes=n == len(amounts))
        else:
            self.pay(tab_id, due, closes=True)

    def add_line(self, tab_id: int, item: MenuItem) -> str:
        line = {
            "line_id": str(uuid.uuid4()),
            "item_id": item.id,
            "quantity": self.rng.choice([1, 1, 1, 2]),
            "modifier_ids": item.modifier_ids,
            "age_confirmed": item.age_restricted,
        }
        self.post("add line", f"/tabs/{tab_id}/lines", line)
        return line["line_id"]

    def add_line_elsewhere(self, item: MenuItem) -> None:
        """Add a line to a check another tablet has open (it may close meanwhile: 409)."""
        tab_id = self.floor.other_than(self.device_id, self.rng)
        if tab_id is None:
            return
        line = {
            "line_id": str(uuid.uuid4()),
            "item_id": item.id,
            "modifier_ids": item.modifier_ids,
            "age_confirmed": item.age_restricted,
        }
        path = f"/tabs/{tab_id}/lines"
        added = self.post("add line elsewhere", path, line, tolerate=("tab_not_open",))
        self.counts["lines added elsewhere" if added else "elsewhere: check closed (409)"] += 1

    def start_game(self, tab_id: int) -> dict | None:
        """Start a free game billed to the tab; None if none is free or another tablet won."""
        free = [row for row in self.get("board", "/rentals/board") if row["status"] == "free"]
        if not free:
            self.counts["games: none free"] += 1
            return None
        row = self.rng.choice(free)
        session = {
            "session_id": str(uuid.uuid4()),
            "resource_id": row["resource"]["id"],
            "tab_id": tab_id,
            "players": self.rng.randint(1, 4),
        }
        game = self.post("start game", "/rentals/sessions", session, tolerate=("resource_busy",))
        self.counts["games started" if game else "games: found busy (409)"] += 1
        return game

    def stop_game(self, game: dict) -> None:
        path = f"/rentals/sessions/{game['id']}"
        if game["plan_kind"] == "per_game":
            self.post("record games", f"{path}/games", {"games": self.rng.randint(1, 3)})
        self.post("stop game", f"{path}/stop", {})

    def pay(self, tab_id: int, amount: int, *, closes: bool) -> None:
        """Pay `amount` on the check; it must close exactly when `closes`.

        When it should close but another tablet added a line meanwhile, pay what is due now.
        """
        kind = "close check" if closes else "pay part"
        for _ in range(PAY_ROUNDS):
            if self.pay_once(tab_id, amount, kind) == "closed" or not closes:
                break
            self.counts["paid the rest (a line from another tablet)"] += 1
            amount = cents(self.get("read check", f"/tabs/{tab_id}")["figures"]["due"])
        else:
            raise Failure(f"{kind}: check {tab_id} still open after paying {PAY_ROUNDS} times")
        if closes:
            self.counts["checks closed"] += 1

    def pay_once(self, tab_id: int, amount: int, kind: str) -> str:
        """One payment; return the check's status after it."""
        body = {"payment_id": str(uuid.uuid4()), "amount": dollars(amount)}
        if self.rng.random() < CASH_SHARE:
            body |= {"tender": "cash", "tendered": dollars(-(-amount // 2000) * 2000)}
        else:
            tip = amount * self.rng.choice([15, 18, 20]) // 100
            tip = tip if self.rng.random() < TIP_SHARE else 0
            if amount + tip == DECLINED_CENTS:
                tip += 1
            body |= {"tender": "card", "tip": dollars(tip)}
        status = self.post(kind, f"/tabs/{tab_id}/payments", body)["tab"]["status"]
        if kind == "pay part" and status != "open":
            raise Failure(f"{kind}: check {tab_id} is {status} after paying {dollars(amount)}")
        return status


def read_menu(tablet: Tablet) -> list[MenuItem]:
    """The items on sale, each with a valid choice of modifiers (GET /catalog)."""
    menu = []
    for category in tablet.send("catalog", "GET", "/catalog")["categories"]:
        for item in category["items"]:
            if item["out_of_stock"] or category["name"].startswith(("Donations", "Meals")):
                continue
            modifiers = []
            for group in item["modifier_groups"]:
                wanted = max(group["min_choices"], 1 if group["required"] else 0)
                modifiers += [m["id"] for m in group["modifiers"][:wanted]]
            menu.append(MenuItem(item["id"], modifiers, item["min_age"] > 0))
    return menu


def cents(amount: str) -> int:
    value = Decimal(amount) * 100
    if value != value.to_integral_value():
        raise Failure(f"{amount} is not a whole number of cents")
    return int(value)


def dollars(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"
