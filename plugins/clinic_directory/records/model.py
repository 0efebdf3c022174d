"""The validated record and the values derived from it.

``ClinicRecord`` wraps the record exactly as the contributor wrote it (JSON types,
dates as ``YYYY-MM-DD`` strings) and computes what pages, filters and exports
need, so every consumer agrees on, for example, what "price per session" means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

#: A price observed longer ago than this is shown with a warning and never compared.
PRICE_MAX_AGE_DAYS = 365
#: Verification ages at which a listing gets a badge, then a warning.
STALE_AFTER_DAYS = 180
EXPIRED_AFTER_DAYS = 365


def identity_of(path: Path) -> tuple[str, str]:
    """``(state, slug)`` of a record file: its folder and its name, the clinic's identity."""
    parts = path.parts
    return (parts[-2] if len(parts) > 1 else ""), path.stem


def comparable_session_price(price: dict[str, Any]) -> float | None:
    """The per-session figure a price contributes to sorting and filtering, if any.

    A session price counts as is (the low end of a range); a series counts as its
    amount divided by its sessions; consultations and monthly fees never count.
    """
    low = price.get("amount", price.get("min"))
    if low is None:
        return None
    if price["unit"] == "session":
        return float(low)
    if price["unit"] == "series" and price.get("sessions"):
        return round(float(low) / price["sessions"], 2)
    return None


@dataclass
class ClinicRecord:
    """One valid clinic record, with its identity and where it came from."""

    state: str  # lower-case folder name, e.g. "tx"
    slug: str
    source: str  # path relative to the project root, e.g. "samples/tx/riverside.yaml"
    data: dict[str, Any]
    location: tuple[float, float] | None = None  # (lat, lon), from the record or the cache
    today: date = field(default_factory=date.today)

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

    def price_observed(self, price: dict[str, Any]) -> date:
        return date.fromisoformat(price.get("observed", self.data["last_verified"]))

    def price_is_current(self, price: dict[str, Any]) -> bool:
        return (self.today - self.price_observed(price)).days <= PRICE_MAX_AGE_DAYS

    def comparable_price(self, service: dict[str, Any]) -> float | None:
        """Lowest current per-session price of one service, or None."""
        figures = [
            comparable_session_price(price)
            for price in service.get("prices", [])
            if self.price_is_current(price)
        ]
        figures = [figure for figure in figures if figure is not None]
        return min(figures) if figures else None

    @property
    def lowest_comparable_price(self) -> float | None:
        figures = [self.comparable_price(s) for s in self.data["services"]]
        figures = [figure for figure in figures if figure is not None]
        return min(figures) if figures else None
