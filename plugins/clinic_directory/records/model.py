"""The validated record and the values derived from it.

``ClinicRecord`` wraps the record exactly as the contributor wrote it (JSON types,
dates as ``YYYY-MM-DD`` strings) and computes what pages, filters and exports
need, so every consumer agrees on, for example, what "price per session" means.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

#: A price observed longer ago than this is shown with a warning and sorts last.
PRICE_MAX_AGE_DAYS = 365
#: Verification ages at which a listing gets a badge, then a warning.
STALE_AFTER_DAYS = 180
EXPIRED_AFTER_DAYS = 365
#: A listing verified at most this many days ago earns the "recently verified" mark: the
#: 90 days US rules give insurers to verify their directories (No Surprises Act).
RECENT_WITHIN_DAYS = 90
#: A stated wait for a first appointment older than this is shown with a warning.
WAIT_MAX_AGE_DAYS = PRICE_MAX_AGE_DAYS
#: ``status`` values whose setting is announced as a change (on the day it was verified).
CLOSED_STATUSES = frozenset({"closed", "temporarily_closed"})
#: What a dated change to a listing is, for the feeds and the changes page.
ADDED, VERIFIED = "added", "verified"

#: What a price says about the medicine (``medicine:`` in a price; ``included`` is the
#: third value, and the reading when a price does not say).
MEDICINE_BILLED_SEPARATELY = "billed_separately"
MEDICINE_NOT_APPLICABLE = "not_applicable"
#: Price units that pay for treatment itself, as opposed to visits and memberships.
TREATMENT_UNITS = frozenset({"session", "series"})
#: The routes whose medicine is commonly billed apart from the visit (Spravato), so a
#: price for them must say whether it includes the medicine.
MEDICINE_MUST_BE_STATED = frozenset({"esketamine_nasal"})

#: What a visitor reads a price as, in headline order. A ``clinic_fee`` is a session
#: or package price that leaves the medicine out; a ``fee`` is anything else
#: (consultation, month): never the price of a session.
SESSION, PACKAGE, CLINIC_FEE, FEE = "session", "package", "clinic_fee", "fee"
#: Sort tiers of "lowest price first": like is compared with like, and what cannot be
#: compared (a fee without the medicine, an old price, no price) comes after.
SORT_TIERS = {SESSION: 0, PACKAGE: 1, CLINIC_FEE: 2}
STALE_SORT_TIER = 2
NO_PRICE_SORT_TIER = 3
#: ``price_sort_key`` is ``tier * PRICE_SORT_TIER + figure``: one number, so the browser
#: sorts with the same arithmetic. Larger than any price the schema accepts.
PRICE_SORT_TIER = 1_000_000


def identity_of(path: Path) -> tuple[str, str]:
    """``(state, slug)`` of a record file: its folder and its name, the clinic's identity."""
    parts = path.parts
    return (parts[-2] if len(parts) > 1 else ""), path.stem


def whole_dollars(amount: float) -> int:
    """Round to whole dollars, halves up: what ``Math.round`` does in the browser, so
    both sides show the same figure (Python's ``round`` rounds halves to even)."""
    return math.floor(amount + 0.5)


def price_bounds(price: Mapping[str, Any]) -> tuple[float, float]:
    """``(low, high)`` of a price: both the amount, or the range's ends."""
    if "amount" in price:
        return price["amount"], price["amount"]
    return price["min"], price["max"]


def price_kind(price: Mapping[str, Any]) -> str:
    """How a visitor should read a price: ``session``, ``package``, ``clinic_fee`` or ``fee``."""
    if price["unit"] not in TREATMENT_UNITS:
        return FEE
    if price.get("medicine") == MEDICINE_BILLED_SEPARATELY:
        return CLINIC_FEE
    return SESSION if price["unit"] == "session" else PACKAGE


@dataclass(frozen=True)
class PriceFigure:
    """One price as the site shows it: what it is, its figures and whether it is current.

    ``low`` and ``high`` are what the clinic asks (a package's total); ``each`` is the
    per-session figure of a package, in whole dollars, ``None`` for anything else.
    """

    kind: str
    unit: str
    low: float
    high: float
    sessions: int | None
    medicine: str | None
    observed: date
    current: bool
    includes: str | None = None

    @property
    def each(self) -> tuple[int, int] | None:
        if not self.sessions or self.unit != "series":
            return None
        return whole_dollars(self.low / self.sessions), whole_dollars(self.high / self.sessions)

    @property
    def per_session(self) -> float | None:
        """The figure sorting and the price filter use: the low end of a session price,
        or of a package's price per session; ``None`` for other fees."""
        if self.unit == "session":
            return self.low
        each = self.each
        return each[0] if each else None

    @property
    def sort_tier(self) -> int:
        return SORT_TIERS.get(self.kind, NO_PRICE_SORT_TIER) if self.current else STALE_SORT_TIER

    @property
    def comparable(self) -> float | None:
        """The per-session figure when it may be compared with other clinics' (a current
        session or package price, medicine not left out), else ``None``."""
        return self.per_session if self.sort_tier < STALE_SORT_TIER else None


def _rank(figure: PriceFigure) -> tuple[bool, int, float]:
    """Current before old; then a session, a package, a clinic fee, other fees; then the
    lowest (per session for a package)."""
    per_session = figure.per_session
    return (
        not figure.current,
        SORT_TIERS.get(figure.kind, NO_PRICE_SORT_TIER),
        figure.low if per_session is None else per_session,
    )


@dataclass(frozen=True)
class WaitFigure:
    """The typical wait for a first appointment, as the clinic stated it on ``observed``."""

    days: int
    observed: date
    current: bool


@dataclass(frozen=True)
class ChangeEvent:
    """A dated change to a listing, from the record's own dates: ``added`` on
    ``listed_since``; ``verified``, ``closed`` or ``temporarily_closed`` on
    ``last_verified`` (marking a clinic closed is a verification, dated like any other)."""

    day: date
    kind: str
    record: ClinicRecord


@dataclass
class ClinicRecord:
    """One valid clinic record, with its identity and where it came from."""

    state: str  # lower-case folder name, e.g. "tx"
    slug: str
    source: str  # path relative to the project root, e.g. "samples/tx/riverside.yaml"
    data: dict[str, Any]
    location: tuple[float, float] | None = None  # (lat, lon), from the record or the cache
    today: date = field(default_factory=date.today)
    #: Each service's price figures, by the service's id (with the service, so the id
    #: stays its own): list pages ask for a clinic's headline prices many times over.
    _figures: dict[int, tuple[Mapping[str, Any], list[PriceFigure]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def identity(self) -> str:
        return f"{self.state}/{self.slug}"

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def is_sample(self) -> bool:
        return bool(self.data.get("sample"))

    @property
    def last_verified(self) -> date:
        return date.fromisoformat(self.data["last_verified"])

    @property
    def verified_age_days(self) -> int:
        return (self.today - self.last_verified).days

    @property
    def verification_state(self) -> str:
        """``current``, ``stale`` (past 180 days) or ``expired`` (past 365 days)."""
        age = self.verified_age_days
        if age > EXPIRED_AFTER_DAYS:
            return "expired"
        if age > STALE_AFTER_DAYS:
            return "stale"
        return "current"

    @property
    def recently_verified(self) -> bool:
        """Verified within ``RECENT_WITHIN_DAYS``: the listing earns the "recently verified" mark."""
        return self.verified_age_days <= RECENT_WITHIN_DAYS

    @property
    def out_of_date(self) -> bool:
        """Not verified for over a year: left out of the default results, the map and the
        lists, and its page says it may be out of date."""
        return self.verified_age_days > EXPIRED_AFTER_DAYS

    @property
    def sells_packages(self) -> bool:
        """Whether any route has a package price, whose refund policy then matters."""
        return any(
            price["unit"] == "series"
            for service in self.data["services"]
            for price in service.get("prices", [])
        )

    @property
    def first_appointment_wait(self) -> WaitFigure | None:
        wait = self.data.get("first_appointment_wait")
        if wait is None:
            return None
        observed = date.fromisoformat(wait.get("observed", self.data["last_verified"]))
        current = (self.today - observed).days <= WAIT_MAX_AGE_DAYS
        return WaitFigure(wait["days"], observed, current)

    def changes(self) -> list[ChangeEvent]:
        """The listing's dated changes, oldest first: when it was added, and what its last
        check found (verified again, or closed). A check on the day it was added is part
        of adding it."""
        data = self.data
        events = []
        if "listed_since" in data:
            events.append(ChangeEvent(date.fromisoformat(data["listed_since"]), ADDED, self))
        status = data.get("status", "active")
        if status in CLOSED_STATUSES:
            events.append(ChangeEvent(self.last_verified, status, self))
        elif not events or events[0].day != self.last_verified:
            events.append(ChangeEvent(self.last_verified, VERIFIED, self))
        return events

    def price_observed(self, price: Mapping[str, Any]) -> date:
        return date.fromisoformat(price.get("observed", self.data["last_verified"]))

    def price_is_current(self, price: Mapping[str, Any]) -> bool:
        return (self.today - self.price_observed(price)).days <= PRICE_MAX_AGE_DAYS

    def price_figure(self, price: Mapping[str, Any]) -> PriceFigure:
        """One price with what it is and whether it is current, for every consumer."""
        low, high = price_bounds(price)
        return PriceFigure(
            kind=price_kind(price),
            unit=price["unit"],
            low=low,
            high=high,
            sessions=price.get("sessions"),
            medicine=price.get("medicine"),
            observed=self.price_observed(price),
            current=self.price_is_current(price),
            includes=price.get("includes"),
        )

    def price_figures(self, service: Mapping[str, Any]) -> list[PriceFigure]:
        kept = self._figures.get(id(service))
        if kept is None or kept[0] is not service:
            kept = service, [self.price_figure(price) for price in service.get("prices", [])]
            self._figures[id(service)] = kept
        return kept[1]

    def headline(self, service: Mapping[str, Any]) -> PriceFigure | None:
        """The one price a card or the compare table shows for a service.

        The lowest single-session price; else the lowest package, shown with its
        per-session figure; else a clinic fee that leaves out the medicine. A
        current price always wins over one seen more than a year ago. Consultation
        and monthly fees are never a headline.
        """
        figures = [f for f in self.price_figures(service) if f.kind != FEE]
        return min(figures, key=_rank) if figures else None

    def price_summary(self, service: Mapping[str, Any]) -> dict[str, PriceFigure]:
        """The price of each kind an export or a summary shows, the best of each (as in
        ``headline``): ``session``, ``package``, ``clinic_fee``, ``consultation``,
        ``month``; kinds without a price are left out."""
        best: dict[str, PriceFigure] = {}
        for figure in self.price_figures(service):
            key = figure.unit if figure.kind == FEE else figure.kind
            if key not in best or _rank(figure) < _rank(best[key]):
                best[key] = figure
        return best

    def price_sort_key(self, service: Mapping[str, Any]) -> float:
        """Where "lowest price first" puts a service: ``tier * PRICE_SORT_TIER + figure``.

        Tiers: a current single-session price (its low end), then a current package
        (its per-session figure), then clinic fees without the medicine and prices
        over a year old, then no price at all.
        """
        figure = self.headline(service)
        if figure is None:
            return NO_PRICE_SORT_TIER * PRICE_SORT_TIER
        return figure.sort_tier * PRICE_SORT_TIER + (figure.per_session or 0)

    def comparable_price(self, service: Mapping[str, Any]) -> float | None:
        """The per-session figure the price filter uses, or ``None`` when there is no
        current price for the treatment with its medicine (see ``headline``)."""
        figure = self.headline(service)
        return figure.comparable if figure else None

    @property
    def lowest_comparable_price(self) -> float | None:
        figures = [self.comparable_price(s) for s in self.data["services"]]
        figures = [figure for figure in figures if figure is not None]
        return min(figures) if figures else None
