"""Realistic fictional clinic records, for benchmarks and scale tests.

Performance budgets are measured on these records, so they must look like real
data: real US cities and ZIP codes (weighted toward populous states and large
cities), names composed from varied parts, a believable mix of routes, prices,
clinicians and practices. They stay recognisably fictional: websites and sources
are on ``.example`` hosts and every phone number is a ``555-01xx`` number.

The same seed and the same ``today`` always give the same records.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
import zipcodes

from clinic_directory.errors import ClinicDirectoryError
from clinic_directory.records import vocab


@dataclass(frozen=True)
class ClinicianKind:
    """A credential with the specialties and roles that go with it."""

    credential: str
    specialties: tuple[str, ...]
    roles: tuple[str, ...]
    physician: bool = False


@dataclass(frozen=True)
class PriceProfile:
    """How a route is priced: session and monthly ranges in dollars, chances of the rest."""

    session: tuple[int, int] | None
    series: float
    consultation: float
    month: tuple[int, int] | None
    insurance: float


@dataclass(frozen=True)
class ClinicProfile:
    """A kind of practice: how common it is, the routes it always offers, the optional ones."""

    weight: int
    routes: tuple[str, ...]
    optional: Mapping[str, float]
    pain: bool = False
    lead_specialties: tuple[str, ...] = ()  # what the medical director practises, if it matters


# fmt: off
#: Relative weight of each state: its 2020 census population in thousands.
STATE_WEIGHTS: Mapping[str, int] = MappingProxyType({
    "CA": 39538, "TX": 29146, "FL": 21538, "NY": 20201, "PA": 13003, "IL": 12813,
    "OH": 11799, "GA": 10712, "NC": 10439, "MI": 10077, "NJ": 9289, "VA": 8631,
    "WA": 7705, "AZ": 7152, "MA": 7030, "TN": 6911, "IN": 6786, "MD": 6177,
    "MO": 6154, "WI": 5894, "CO": 5774, "MN": 5706, "SC": 5119, "AL": 5024,
    "LA": 4658, "KY": 4506, "OR": 4237, "OK": 3959, "CT": 3606, "UT": 3272,
    "PR": 3286, "IA": 3190, "NV": 3105, "AR": 3012, "MS": 2961, "KS": 2938,
    "NM": 2118, "NE": 1962, "ID": 1839, "WV": 1794, "HI": 1455, "NH": 1377,
    "ME": 1362, "RI": 1097, "MT": 1084, "DE": 990, "SD": 887, "ND": 779,
    "AK": 733, "DC": 690, "VT": 643, "WY": 577,
})

PLACE_WORDS = (
    "Riverside", "Lakeview", "Northside", "Harbor", "Summit", "Valley", "Bayside",
    "Hillcrest", "Parkside", "Westside", "Eastgate", "Midtown", "Uptown", "Brookside",
    "Canyon", "Coastal", "Prairie", "Highland", "Meadowbrook", "Bridgeport", "Gateway",
    "Southpoint", "Crossroads", "Capitol", "Mesa", "Ridgeline", "Tidewater", "Piedmont",
)
NATURE_WORDS = (
    "Cedar", "Willow", "Aspen", "Juniper", "Clearwater", "Bluebird", "Sage", "Evergreen",
    "Sunrise", "Magnolia", "Redwood", "Cypress", "Oak", "Maple", "Birch", "Laurel",
    "Heron", "Sparrow", "Fern", "Stillwater", "Blue Ridge", "Silverleaf", "Lotus",
    "Tamarack", "Sequoia", "Palmetto", "Driftwood", "Moonstone", "Bluestem", "Wildflower",
)
ABSTRACT_WORDS = (
    "Renew", "Restore", "Elevate", "Horizon", "Kindred", "Nova", "Beacon", "Lumen",
    "Clarity", "Mindful", "Thrive", "Serenity", "Ascend", "Balance", "Haven", "Pathway",
    "Awaken", "Resilience", "Equilibrium", "Vitality", "Insight", "Tranquil", "Bright Path",
    "New Leaf", "True North", "Open Door", "Second Wind", "Clear Mind", "Keystone", "Anchor",
)
SURNAMES = (
    "Ortiz", "Nguyen", "Patel", "Kim", "Johnson", "Okafor", "Whitfield", "Delgado",
    "Hartman", "Castillo", "Brennan", "Yamada", "Goldberg", "Abernathy", "Reyes",
    "Sullivan", "Chen", "Adeyemi", "Lindqvist", "Morales", "Fitzgerald", "Haddad",
    "Kowalski", "Moreau", "Bishop", "Romero", "Ellison", "Park", "Vasquez", "Novak",
    "Hale", "Mendoza", "Shah", "Baptiste", "Carver", "Dubois", "Iverson", "Lowell",
    "Ramirez", "Sato", "Thornton", "Usman", "Wexler", "Zimmerman", "Ferreira", "Obi",
    "Quinn", "Russo", "Tran", "Walsh", "Alvarez", "Bergstrom", "Coleman", "Dorsey",
)
FIRST_NAMES = (
    "Dana", "Michael", "Priya", "Jamal", "Elena", "Robert", "Mei", "Carlos", "Sarah",
    "Olumide", "Hannah", "David", "Lucia", "Thomas", "Aisha", "Kevin", "Grace", "Rafael",
    "Emily", "Samuel", "Noor", "Jonathan", "Keiko", "Andre", "Rachel", "Luis", "Megan",
    "Ibrahim", "Claire", "Marcus", "Ana", "Benjamin", "Farah", "Daniel", "Leah", "Victor",
    "Julia", "Owen", "Sofia", "Nathan", "Tamika", "Erik", "Yuki", "Gabriel", "Nadia",
    "Patrick", "Rosa", "Steven", "Imani", "Alexander", "Hye-jin", "Mateo", "Laura", "Chidi",
)
CLINIC_KINDS = (
    "Ketamine Clinic", "Ketamine Center", "Infusion Center", "Ketamine & Infusion",
    "Psychiatry & Wellness", "Mental Health", "Wellness Center", "Ketamine Therapy",
    "Integrative Psychiatry", "Infusion Therapy", "Behavioral Health", "Ketamine Institute",
    "Pain & Wellness", "TMS & Ketamine", "Ketamine Wellness", "Psychiatric Associates",
    "Health", "Mind & Body", "Infusions", "Ketamine", "Ketamine Infusions", "Ketamine Care",
    "Psychiatric Care", "Wellness Institute", "Mood Clinic", "Infusion & Wellness",
    "Interventional Psychiatry", "Ketamine Solutions", "Health & Healing", "Ketamine Partners",
)
CENTER_FOCUS = (
    "Ketamine Therapy", "Depression Care", "Mood Disorders", "Interventional Psychiatry",
    "Pain Relief", "Mental Wellness", "Infusion Medicine", "Emotional Health",
)
ROUTE_PHRASES: Mapping[str, str] = MappingProxyType({
    "iv_infusion": "IV ketamine infusions",
    "intramuscular": "intramuscular ketamine injections",
    "esketamine_nasal": "esketamine nasal spray (Spravato)",
    "oral_sublingual": "oral or sublingual ketamine",
    "subcutaneous": "subcutaneous ketamine injections",
    "at_home": "at-home ketamine through telehealth",
})
ORGANIZATION_KINDS = (
    "Health Partners", "Medical Group", "Health", "Wellness Group", "Clinics", "Care Network",
    "Behavioral Health", "Infusion Partners",
)
STREET_BASES = (
    "Congress", "Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lincoln", "Lake",
    "Park", "Mill", "Church", "Market", "Commerce", "Medical Center", "Highland", "Ridge",
    "Meadow", "Spring", "Sunset", "Willow", "Harbor", "College", "University", "Franklin",
    "Jefferson", "Madison", "Union", "Grand", "Broad", "Center", "River", "Hospital",
    "Professional", "Corporate", "Heritage", "Pioneer", "Canyon", "Chestnut", "Walnut",
    "2nd", "3rd", "4th", "5th", "7th", "9th", "12th", "16th", "21st", "Kingsley",
    "Ashford", "Brookhollow", "Fairview", "Greenway", "Parkwood", "Stonebridge",
)
STREET_TYPES = ("St", "Ave", "Blvd", "Rd", "Dr", "Pkwy", "Way", "Ln", "Ct", "Pl", "Hwy")
UNIT_KINDS = ("Suite", "Suite", "Suite", "Ste", "Unit", "Building", "Floor")
EMAIL_LOCALS = ("intake", "info", "hello", "frontdesk", "care", "appointments", "office")
SOURCE_PATHS = ("", "pricing/", "services/", "team/", "faq/", "new-patients/", "ketamine/")
INSURANCE_PLANS = (
    "Aetna", "Cigna", "UnitedHealthcare", "Blue Cross Blue Shield", "Humana", "Medicare",
    "Tricare", "Optum", "Anthem", "Kaiser Permanente", "Ambetter", "Molina Healthcare",
)
MAINTAINERS = (
    "quiet-heron", "lsanchez-dir", "mapmaker42", "pkowal", "tidewater-dev", "jn-verifies",
    "open-clinic-data", "rfernandes", "kbishop", "amira-h", "dirbot-review", "ncho",
)
SPANISH_STATES = frozenset({"CA", "TX", "FL", "NM", "AZ", "NV", "NY", "NJ", "IL", "CO"})


PHYSICIAN_SPECIALTIES = (
    "anesthesiology", "anesthesiology", "psychiatry", "psychiatry", "emergency_medicine",
    "critical_care", "family_medicine", "internal_medicine", "pain_medicine",
)
PHYSICIAN: Mapping[str, ClinicianKind] = MappingProxyType({
    credential: ClinicianKind(
        credential, PHYSICIAN_SPECIALTIES,
        ("medical_director", "prescriber", "administers_treatment"), physician=True,
    )
    for credential in ("MD", "DO")
})
STAFF = (
    ClinicianKind("NP", ("psychiatric_nursing", "family_medicine"), ("prescriber", "administers_treatment", "nurse")),
    ClinicianKind("PA", ("psychiatry", "emergency_medicine", "family_medicine", "pain_medicine"), ("prescriber", "administers_treatment")),
    ClinicianKind("CRNA", ("nurse_anesthesia",), ("administers_treatment",)),
    ClinicianKind("RN", ("psychiatric_nursing", "critical_care"), ("nurse", "administers_treatment")),
    ClinicianKind("PhD", ("psychotherapy",), ("therapist",)),
    ClinicianKind("PsyD", ("psychotherapy",), ("therapist",)),
    ClinicianKind("LCSW", ("psychotherapy",), ("therapist",)),
    ClinicianKind("LPC", ("psychotherapy",), ("therapist",)),
    ClinicianKind("LMFT", ("psychotherapy",), ("therapist",)),
)
STAFF_WEIGHTS = (18, 6, 22, 20, 5, 5, 10, 8, 6)

#: Conditions a route is commonly offered for, with the chance a clinic lists each.
ROUTE_CONDITIONS: Mapping[str, Mapping[str, float]] = MappingProxyType({
    "iv_infusion": {
        "treatment_resistant_depression": 0.9, "major_depression": 0.5, "ptsd": 0.5,
        "anxiety": 0.35, "bipolar_depression": 0.15, "depression_with_suicidal_thoughts": 0.15,
        "chronic_pain": 0.4, "crps": 0.2, "fibromyalgia": 0.2, "migraine": 0.2,
        "neuropathic_pain": 0.15,
    },
    "intramuscular": {"treatment_resistant_depression": 0.8, "major_depression": 0.5, "ptsd": 0.4, "anxiety": 0.3},
    "esketamine_nasal": {"treatment_resistant_depression": 1.0, "depression_with_suicidal_thoughts": 0.5},
    "oral_sublingual": {"major_depression": 0.7, "anxiety": 0.5, "ptsd": 0.4},
    "subcutaneous": {"treatment_resistant_depression": 0.9, "major_depression": 0.4},
    "at_home": {"major_depression": 0.8, "anxiety": 0.6, "ptsd": 0.4, "treatment_resistant_depression": 0.3},
})
PAIN_CONDITIONS = MappingProxyType({
    "chronic_pain": 0.9, "crps": 0.7, "fibromyalgia": 0.5, "migraine": 0.4, "neuropathic_pain": 0.6,
    "treatment_resistant_depression": 0.4,
})

PRICE_PROFILES: Mapping[str, PriceProfile] = MappingProxyType({
    "iv_infusion": PriceProfile((350, 900), 0.6, 0.5, None, 0.06),
    "intramuscular": PriceProfile((200, 500), 0.3, 0.3, None, 0.05),
    "esketamine_nasal": PriceProfile((600, 1000), 0.0, 0.3, None, 0.85),
    "oral_sublingual": PriceProfile((150, 300), 0.0, 0.4, (100, 300), 0.05),
    "subcutaneous": PriceProfile((150, 400), 0.3, 0.3, None, 0.03),
    "at_home": PriceProfile(None, 0.4, 0.5, (99, 399), 0.02),
})

CLINIC_PROFILES = (
    ClinicProfile(60, ("iv_infusion",), {"esketamine_nasal": 0.3, "intramuscular": 0.15, "oral_sublingual": 0.1, "subcutaneous": 0.03, "at_home": 0.08}),
    ClinicProfile(25, ("esketamine_nasal",), {"iv_infusion": 0.3, "oral_sublingual": 0.15, "intramuscular": 0.1, "at_home": 0.1},
                  lead_specialties=("psychiatry", "psychiatry", "psychiatry", "family_medicine")),
    ClinicProfile(8, ("iv_infusion",), {"intramuscular": 0.2, "subcutaneous": 0.05}, pain=True,
                  lead_specialties=("anesthesiology", "pain_medicine")),
    ClinicProfile(3, ("subcutaneous",), {"iv_infusion": 0.4, "esketamine_nasal": 0.3}),
    ClinicProfile(4, ("at_home",), {"oral_sublingual": 0.2}),
)
# fmt: on


@dataclass(frozen=True)
class Place:
    """A real ZIP code with its city, state, centre and area codes."""

    postal_code: str
    city: str
    state: str
    lat: float
    lon: float
    area_codes: tuple[str, ...]


@dataclass(frozen=True)
class StatePlaces:
    """One state's cities, their cumulative pick weights, ZIP codes and area codes."""

    cities: list[str]
    cumulative_weights: list[float]
    places: dict[str, list[Place]]
    area_codes: list[str]


class Gazetteer:
    """Real places by state, loaded from ``zipcodes`` one state at a time.

    A city's chance of being picked grows with the square of its number of ZIP
    codes, so clinics cluster in large cities as real ones do.
    """

    def __init__(self) -> None:
        self._states: dict[str, StatePlaces] = {}

    def _load(self, state: str) -> StatePlaces:
        if state not in self._states:
            places: dict[str, list[Place]] = {}
            for row in zipcodes.filter_by(zip_code_type="STANDARD", active=True, state=state):
                if row["lat"] and row["long"] and row["area_codes"]:
                    place = Place(
                        row["zip_code"],
                        row["city"],
                        state,
                        float(row["lat"]),
                        float(row["long"]),
                        tuple(row["area_codes"]),
                    )
                    places.setdefault(place.city, []).append(place)
            for city_places in places.values():
                city_places.sort(key=lambda place: place.postal_code)
            cities = sorted(places)
            self._states[state] = StatePlaces(
                cities=cities,
                cumulative_weights=list(accumulate(len(places[city]) ** 2 for city in cities)),
                places=places,
                area_codes=sorted(
                    {
                        code
                        for group in places.values()
                        for place in group
                        for code in place.area_codes
                    }
                ),
            )
        return self._states[state]

    def pick(self, rng: random.Random, state: str) -> Place:
        state_places = self._load(state)
        city = rng.choices(state_places.cities, cum_weights=state_places.cumulative_weights)[0]
        return rng.choice(state_places.places[city])

    def area_codes(self, state: str) -> list[str]:
        return self._load(state).area_codes


class PhoneBook:
    """Hands out unique fictional numbers, ``+1 AAA-555-0100`` to ``+1 AAA-555-0199``.

    Each area code holds 100 such numbers. A number comes from the ZIP code's own
    area codes if one is free, then from the rest of the state's, then from any
    state's (the ``zipcodes`` data has 388 area codes: room for 38,800 clinics;
    chains that share a central line need fewer).
    """

    def __init__(self, rng: random.Random, gazetteer: Gazetteer) -> None:
        self._rng = rng
        self._gazetteer = gazetteer
        self._free: dict[str, list[int]] = {}

    def _take(self, area_code: str) -> str | None:
        if area_code not in self._free:
            lines = list(range(100))
            self._rng.shuffle(lines)
            self._free[area_code] = lines
        lines = self._free[area_code]
        return f"+1 {area_code}-555-01{lines.pop():02d}" if lines else None

    def _area_codes_near(self, place: Place) -> Iterator[str]:
        yield from place.area_codes
        yield from self._gazetteer.area_codes(place.state)
        for state in sorted(STATE_WEIGHTS):
            yield from self._gazetteer.area_codes(state)

    def allocate(self, place: Place) -> str:
        for area_code in self._area_codes_near(place):
            number = self._take(area_code)
            if number:
                return number
        raise ClinicDirectoryError(
            "every fictional 555-01xx number in every area code is taken; generate fewer records"
        )


@dataclass
class Chain:
    """Several locations of one provider: shared organization, brand and website."""

    brand: str
    organization: str
    domain: str
    home_state: str
    size: int
    profile: ClinicProfile
    phone: str | None = None  # a central booking line shared by every location
    locations: int = 0


@dataclass(frozen=True)
class SyntheticRecord:
    state: str  # lower-case folder name
    slug: str
    data: dict[str, Any]

    @property
    def relative_path(self) -> Path:
        return Path(self.state, f"{self.slug}.yaml")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and")).strip("-")


def _subset(rng: random.Random, chances: Mapping[str, float], order: Sequence[str]) -> list[str]:
    """The values that pass their chance, in vocabulary order."""
    chosen = {value for value, chance in chances.items() if rng.random() < chance}
    return [value for value in order if value in chosen]


def _round_to(value: float, step: int) -> int:
    return int(round(value / step) * step)


class RecordFactory:
    """Composes one record at a time, keeping identities, phones and streets unique."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.gazetteer = Gazetteer()
        self.phones = PhoneBook(self.rng, self.gazetteer)
        self.states = sorted(STATE_WEIGHTS)
        self.order = {name: vocabulary.values for name, vocabulary in vocab.ALL.items()}
        self.state_weights = list(accumulate(STATE_WEIGHTS[state] for state in self.states))
        self.profile_weights = list(accumulate(profile.weight for profile in CLINIC_PROFILES))
        self.chains: list[Chain] = []
        self.open_chains: list[Chain] = []  # chains with locations still to come
        self.identities: set[tuple[str, str]] = set()
        self.name_streets: set[tuple[str, str]] = set()

    # --- where and who -------------------------------------------------------------

    def pick_state(self) -> str:
        return self.rng.choices(self.states, cum_weights=self.state_weights)[0]

    def pick_profile(self) -> ClinicProfile:
        return self.rng.choices(CLINIC_PROFILES, cum_weights=self.profile_weights)[0]

    def brand_name(self, city: str) -> str:
        rng = self.rng
        kind = rng.choice(CLINIC_KINDS)
        words = (PLACE_WORDS, NATURE_WORDS, SURNAMES, ABSTRACT_WORDS)
        pattern = rng.choices(range(8), weights=(10, 14, 14, 14, 20, 12, 10, 6))[0]
        if pattern == 0:
            return f"{city} {kind}"
        if pattern <= 3:
            return f"{rng.choice(words[pattern - 1])} {kind}"
        if pattern == 4:
            return f"{rng.choice(ABSTRACT_WORDS + NATURE_WORDS)} {kind} of {city}"
        if pattern == 5:
            return f"{rng.choice(NATURE_WORDS)} {rng.choice(ABSTRACT_WORDS)} {kind}"
        if pattern == 6:
            return f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {kind}"
        return f"The {rng.choice(ABSTRACT_WORDS)} Center for {rng.choice(CENTER_FOCUS)}"

    def start_chain(self) -> Chain:
        rng = self.rng
        root = rng.choice(ABSTRACT_WORDS + NATURE_WORDS)
        brand = f"{root} {rng.choice(('Ketamine', 'Infusion', 'Ketamine Centers', 'Mental Health', 'Psychiatry'))}"
        organization = f"{root} {rng.choice(ORGANIZATION_KINDS)}"
        if rng.random() < 0.4:
            organization += rng.choice((", LLC", ", PLLC", ", Inc.", ", PC"))
        chain = Chain(
            brand=brand,
            organization=organization,
            domain=f"{slugify(brand).replace('-', '')}{len(self.chains)}.example",
            home_state=self.pick_state(),
            size=rng.choice((2, 3, 3, 4, 5, 6, 8, 12, 20, 40)),
            profile=self.pick_profile(),
        )
        self.chains.append(chain)
        return chain

    def pick_chain(self) -> Chain | None:
        """The chain the next record belongs to: ~15% join an open chain, ~3% start one."""
        roll = self.rng.random()
        if roll < 0.15 and self.open_chains:
            chain = self.rng.choice(self.open_chains)
        elif roll < 0.18:
            chain = self.start_chain()
            self.open_chains.append(chain)
        else:
            return None
        chain.locations += 1
        if chain.locations == chain.size:
            self.open_chains.remove(chain)
        return chain

    def street(self) -> str:
        rng = self.rng
        street = f"{rng.randint(10, 9899)} {rng.choice(STREET_BASES)} {rng.choice(STREET_TYPES)}"
        if rng.random() < 0.6:
            unit = rng.choice(UNIT_KINDS)
            number = (
                rng.choice(("A", "B", "C", "2"))
                if unit in ("Building", "Floor")
                else rng.randint(1, 45) * 10 + rng.choice((0, 0, 1, 2))
            )
            street += f", {unit} {number}"
        return street

    def clinician(self, kind: ClinicianKind, role: str | None = None) -> dict[str, Any]:
        rng = self.rng
        person: dict[str, Any] = {
            "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            "credential": kind.credential,
            "specialty": rng.choice(kind.specialties),
        }
        if kind.physician:
            person["board_certified"] = rng.random() < 0.85
        person["role"] = role or rng.choice(kind.roles)
        return person

    def clinicians(self, profile: ClinicProfile) -> list[dict[str, Any]]:
        rng = self.rng
        lead_roll = rng.random()
        if lead_roll < 0.8:
            people = [self.clinician(PHYSICIAN[rng.choice(("MD", "MD", "DO"))], "medical_director")]
            if profile.lead_specialties:
                people[0]["specialty"] = rng.choice(profile.lead_specialties)
        elif lead_roll < 0.9:
            people = [self.clinician(STAFF[0], "prescriber")]
        else:
            people = [self.clinician(STAFF[2], "administers_treatment")]
        extra = rng.choices(range(6), weights=(25, 30, 20, 12, 8, 5))[0]
        people += [
            self.clinician(kind) for kind in rng.choices(STAFF, weights=STAFF_WEIGHTS, k=extra)
        ]
        return people

    # --- what they offer -----------------------------------------------------------

    def observed(self, last_verified: date) -> str:
        return (last_verified - timedelta(days=self.rng.randint(10, 500))).isoformat()

    def price(
        self, unit: str, low: int, high: int, step: int, last_verified: date
    ) -> dict[str, Any]:
        rng = self.rng
        amount = _round_to(rng.uniform(low, high), step)
        if unit == "consultation" and rng.random() < 0.3:
            price: dict[str, Any] = {"amount": 0}
        elif rng.random() < 0.12:
            price = {
                "min": amount,
                "max": amount + _round_to(rng.uniform(step, high - low + step), step),
            }
        else:
            price = {"amount": amount}
        price["unit"] = unit
        if rng.random() < 0.2:
            price["observed"] = self.observed(last_verified)
        return price

    def series(self, session: int, last_verified: date) -> dict[str, Any]:
        rng = self.rng
        sessions = rng.choice((6, 6, 6, 6, 4, 8))
        price: dict[str, Any] = {
            "amount": _round_to(session * sessions * rng.uniform(0.8, 0.95), 50),
            "unit": "series",
            "sessions": sessions,
        }
        if rng.random() < 0.3:
            price["includes"] = rng.choice(
                (
                    f"{sessions} sessions and one integration visit",
                    f"{sessions} sessions, the intake consultation and a follow-up call",
                    f"{sessions} sessions over two to three weeks",
                    f"{sessions} sessions and vital-sign monitoring",
                )
            )
        if rng.random() < 0.15:
            price["observed"] = self.observed(last_verified)
        return price

    def medicine(self, price: dict[str, Any], route: str) -> dict[str, Any]:
        """Say what a price covers, as real listings do: always for Spravato (required),
        mostly for other treatment prices, sometimes for monthly at-home plans."""
        rng = self.rng
        if price["unit"] == "consultation":
            stated = route == "esketamine_nasal" or rng.random() < 0.3
            medicine = "not_applicable" if stated else None
        elif price["unit"] == "month":
            medicine = rng.choice(("billed_separately", "billed_separately", "included", None))
        else:
            stated = route == "esketamine_nasal" or rng.random() < 0.7
            medicine = "included" if stated else None
        if medicine:
            price["medicine"] = medicine
        return price

    def clinic_fee(self, last_verified: date) -> dict[str, Any]:
        """A Spravato clinic's own fee per session; the spray is billed to insurance."""
        rng = self.rng
        high = _round_to(rng.uniform(40, 150), 5)
        fee: dict[str, Any] = {"min": 0, "max": high} if rng.random() < 0.5 else {"amount": high}
        return fee | {"unit": "session", "medicine": "billed_separately"}

    def prices(self, route: str, last_verified: date) -> list[dict[str, Any]]:
        rng = self.rng
        profile = PRICE_PROFILES[route]
        prices = []
        if profile.session and rng.random() < (0.35 if route == "esketamine_nasal" else 0.9):
            session = self.price("session", *profile.session, 25, last_verified)
            prices.append(session)
            if rng.random() < profile.series:
                prices.append(self.series(session.get("amount", session.get("min")), last_verified))
        elif profile.session is None and rng.random() < profile.series:
            prices.append(self.series(rng.randint(150, 250), last_verified))
        elif route == "esketamine_nasal" and rng.random() < 0.4:
            prices.append(self.clinic_fee(last_verified))
        if profile.month and rng.random() < 0.7:
            prices.append(self.price("month", *profile.month, 10, last_verified))
        if rng.random() < profile.consultation:
            prices.append(self.price("consultation", 100, 350, 25, last_verified))
        return [p if "medicine" in p else self.medicine(p, route) for p in prices]

    def services(
        self, profile: ClinicProfile, state: str, last_verified: date
    ) -> list[dict[str, Any]]:
        rng = self.rng
        chosen = set(profile.routes) | {
            route for route, chance in profile.optional.items() if rng.random() < chance
        }
        services = []
        for route in self.order["route"]:
            if route not in chosen:
                continue
            service: dict[str, Any] = {"route": route}
            chances = (
                PAIN_CONDITIONS
                if profile.pain and route == "iv_infusion"
                else ROUTE_CONDITIONS[route]
            )
            conditions = _subset(rng, chances, self.order["condition"])
            if conditions and rng.random() < 0.9:
                service["conditions"] = conditions
            if route == "esketamine_nasal":
                service["rems_certified"] = True
                service |= self.spravato_billing()
            if route == "at_home":
                reach = rng.choices((0, 2, 6, 15, 30), weights=(40, 25, 15, 12, 8))[0]
                served = {state} | set(rng.sample(self.states, reach))
                service["states_served"] = sorted(served)
            prices = self.prices(route, last_verified)
            if prices:
                service["prices"] = prices
            service["insurance"] = rng.random() < PRICE_PROFILES[route].insurance
            if rng.random() < 0.05:
                service["notes"] = rng.choice(
                    (
                        "Sessions are scheduled on weekday mornings.",
                        "A referral from your own clinician is requested before the first session.",
                        "Booster sessions are offered after the initial series.",
                        "The first session includes a longer observation period.",
                    )
                )
            services.append(service)
        return services

    def spravato_billing(self) -> dict[str, Any]:
        """How a Spravato service is billed, stated by some records only."""
        rng = self.rng
        found: dict[str, Any] = {}
        if rng.random() < 0.2:
            found["insurance_plans"] = sorted(rng.sample(INSURANCE_PLANS, rng.randint(1, 4)))
        if rng.random() < 0.4:
            found["medicine_billing"] = rng.choices(
                self.order["medicine_billing"], weights=(50, 35, 15)
            )[0]
        if rng.random() < 0.3:
            found["copay_program"] = rng.random() < 0.8
        return found

    def patient_facts(self, data: dict[str, Any], last_verified: date) -> dict[str, Any]:
        """What few records state yet: refunds, referral, wait, access, how verified."""
        rng = self.rng
        facts: dict[str, Any] = {}
        packages = any(
            price["unit"] == "series" for s in data["services"] for price in s.get("prices", [])
        )
        if packages and rng.random() < 0.3:
            policy = rng.choices(self.order["refund_policy"], weights=(20, 45, 15, 20))[0]
            facts["refunds"] = {"policy": policy}
            if policy != "not_stated":
                facts["refunds"]["terms"] = f"{data['website']}terms/"
        if rng.random() < 0.3:
            facts["referral_required"] = rng.random() < 0.35
        if rng.random() < 0.2:
            facts["first_appointment_wait"] = {"days": rng.choice((1, 3, 7, 10, 14, 21, 30, 45))}
        access = dict.fromkeys(self.order["accessibility"], 0.5)
        if rng.random() < 0.35:
            features = _subset(rng, access, self.order["accessibility"])
            if features:
                facts["accessibility"] = features
        if rng.random() < 0.4:
            method = rng.choices(self.order["verification_method"], weights=(55, 30, 5, 10))[0]
            facts["verification"] = {"method": method}
            if method in ("website", "register"):
                facts["verification"]["sources"] = [data["website"]]
        if rng.random() < 0.4:
            listed = last_verified - timedelta(days=rng.randint(0, 900))
            facts["listed_since"] = listed.isoformat()
        spoken = [code for code in data["languages"] if code != "en"]
        for clinician in data["clinicians"] if spoken else ():
            if rng.random() < 0.1:
                clinician["languages"] = [rng.choice(spoken)]
        return facts

    def hours(self) -> dict[str, str]:
        rng = self.rng
        opens, closes = (
            rng.choice(("07:00", "07:30", "08:00", "08:30", "09:00")),
            rng.choice(("16:00", "17:00", "17:30", "18:00", "19:00")),
        )
        hours = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), f"{opens}-{closes}")
        if rng.random() < 0.2:
            hours[rng.choice(("mon", "wed", "fri"))] = rng.choice(("closed", f"{opens}-12:00"))
        hours["sat"] = rng.choice(("closed", "closed", "09:00-13:00", "10:00-14:00"))
        if rng.random() < 0.5:
            hours["sun"] = "closed"
        return hours

    def languages(self, state: str) -> list[str]:
        rng = self.rng
        chances = {
            "en": 1.0 if state != "PR" else 0.7,
            "es": 1.0 if state == "PR" else 0.45 if state in SPANISH_STATES else 0.15,
        }
        chances |= {code: 0.03 for code in self.order["language"] if code not in chances}
        return _subset(rng, chances, self.order["language"]) or ["en"]

    def memberships(self, clinicians: Iterable[dict[str, Any]]) -> list[str]:
        specialties = {
            person["specialty"] for person in clinicians if person["credential"] in PHYSICIAN
        }
        credentials = {person["credential"] for person in clinicians}
        chances = {
            "askp3": 0.3,
            "asa": 0.5 if "anesthesiology" in specialties else 0.0,
            "aana": 0.4 if "CRNA" in credentials else 0.0,
            "apa": 0.5 if "psychiatry" in specialties else 0.0,
        }
        return _subset(self.rng, chances, self.order["membership"])

    def safety(self, services: Sequence[dict[str, Any]]) -> list[str]:
        in_clinic = any(service["route"] != "at_home" for service in services)
        chances = {
            "medical_screening": 0.9,
            "psychiatric_screening": 0.75,
            "vital_signs_monitoring": 0.85 if in_clinic else 0.1,
            "pulse_oximetry": 0.7 if in_clinic else 0.05,
            "acls_staff": 0.5 if in_clinic else 0.0,
            "emergency_equipment": 0.45 if in_clinic else 0.0,
            "written_protocol": 0.3,
            "coordinates_with_own_clinician": 0.45,
            "defined_treatment_plan": 0.4,
            "integration_therapy": 0.4,
            "ride_home_required": 0.7 if in_clinic else 0.0,
        }
        return _subset(self.rng, chances, self.order["safety"])

    def description(
        self, kind: str, city: str, services: Sequence[dict[str, Any]], telehealth: bool
    ) -> str:
        rng = self.rng
        phrases = [ROUTE_PHRASES[service["route"]] for service in services]
        offer = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
        sentences = [f"{kind} in {city} offering {offer}."]
        extras = [
            "Intake starts with a medical and psychiatric screening.",
            "Free parking is available on site.",
            "Evening appointments are available on weekdays.",
            "Patients work with their own therapist between sessions.",
            "The clinic is on the ground floor and wheelchair accessible.",
        ]
        if telehealth:
            extras.append("First consultations can be done by video.")
        sentences += rng.sample(extras, rng.randint(0, 2))
        return " ".join(sentences)

    def verification_age(self) -> int:
        """Days since verification: most within six months, some stale, a few past a year."""
        low, high = self.rng.choices(((0, 180), (181, 365), (366, 730)), weights=(60, 28, 12))[0]
        return self.rng.randint(low, high)

    # --- one record ----------------------------------------------------------------

    def identity(self, state: str, name: str, city: str) -> str:
        base = slugify(name)
        for candidate in (base, f"{base}-{slugify(city)}"):
            if (state, candidate) not in self.identities:
                return candidate
        number = 2
        while (state, f"{base}-{slugify(city)}-{number}") in self.identities:
            number += 1
        return f"{base}-{slugify(city)}-{number}"

    def record(self) -> SyntheticRecord:
        rng = self.rng
        chain = self.pick_chain()
        if chain:
            state = chain.home_state if rng.random() < 0.6 else self.pick_state()
            profile = chain.profile
        else:
            state, profile = self.pick_state(), self.pick_profile()
        place = self.gazetteer.pick(rng, state)
        name = f"{chain.brand} {place.city}" if chain else self.brand_name(place.city)
        folder = state.lower()
        slug = self.identity(folder, name, place.city)
        self.identities.add((folder, slug))
        street = self.street()
        while (name, street) in self.name_streets:
            street = self.street()
        self.name_streets.add((name, street))

        if chain and chain.phone is None and rng.random() < 0.5:
            chain.phone = self.phones.allocate(place)
        phone = chain.phone if chain and chain.phone else self.phones.allocate(place)
        domain = chain.domain if chain else f"{slugify(name)}.example"
        website = f"https://{domain}/" + (f"locations/{slug}/" if chain else "")
        last_verified = self.today - timedelta(days=self.verification_age())
        status = rng.choices(vocab.STATUSES.values, weights=(93, 4, 3))[0]
        services = self.services(profile, state, last_verified)
        clinicians = self.clinicians(profile)
        telehealth = rng.random() < (0.9 if "at_home" in profile.routes else 0.4)

        data: dict[str, Any] = {"name": name}
        if chain:
            data["organization"] = chain.organization
        elif rng.random() < 0.08:
            data["organization"] = f"{rng.choice(SURNAMES)} {rng.choice(ORGANIZATION_KINDS)}"
        data["status"] = status
        if rng.random() < 0.55:
            kind = rng.choice(
                (
                    "Outpatient clinic",
                    "Independent practice",
                    "Psychiatric practice",
                    "Infusion clinic",
                    "Clinic",
                )
            )
            data["description"] = self.description(kind, place.city, services, telehealth)
        data["website"] = website
        data["phone"] = phone
        if rng.random() < 0.6:
            data["email"] = f"{rng.choice(EMAIL_LOCALS)}@{domain}"
        data["address"] = {
            "street": street,
            "city": place.city,
            "state": state,
            "postal_code": place.postal_code,
        }
        data["location"] = {
            "lat": round(place.lat + rng.uniform(-0.015, 0.015), 5),
            "lon": round(place.lon + rng.uniform(-0.015, 0.015), 5),
        }
        data["services"] = services
        data["clinicians"] = clinicians
        optional_lists = {
            "memberships": self.memberships(clinicians),
            "safety": self.safety(services),
            "payment": _subset(
                rng,
                {"cash": 0.8, "card": 0.95, "hsa_fsa": 0.6, "financing": 0.4, "sliding_scale": 0.1},
                self.order["payment"],
            ),
        }
        if any(service["insurance"] for service in services):
            optional_lists["insurance_plans"] = sorted(
                rng.sample(INSURANCE_PLANS, rng.randint(1, 5))
            )
        data |= {key: value for key, value in optional_lists.items() if value}
        data["accepting_new_patients"] = status == "active" and rng.random() < 0.9
        data["telehealth_consultations"] = telehealth
        data["languages"] = self.languages(state)
        if rng.random() < 0.7:
            data["hours"] = self.hours()
        data["last_verified"] = last_verified.isoformat()
        data["verified_by"] = rng.choice(MAINTAINERS)
        data["sources"] = sorted(
            {website + path for path in rng.sample(SOURCE_PATHS, rng.randint(1, 2))}
        )
        data |= self.patient_facts(data, last_verified)
        if rng.random() < 0.01:
            old_slug = f"{slug}-{rng.choice(('old', 'clinic', 'center', 'llc'))}"
            if (folder, old_slug) not in self.identities:
                self.identities.add((folder, old_slug))
                data["previous_slugs"] = [f"{folder}/{old_slug}"]
        return SyntheticRecord(folder, slug, data)


def generate_records(count: int, seed: int = 0, today: date | None = None) -> list[SyntheticRecord]:
    """``count`` realistic fictional records; the same seed and day give the same records."""
    factory = RecordFactory(seed, today or date.today())
    return [factory.record() for _ in range(count)]


# --- YAML output ---------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .'&/@_+-]*(:[A-Za-z0-9/][A-Za-z0-9 .'&/@_+:-]*)*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
STRING_TAG = "tag:yaml.org,2002:str"
FLOW_WIDTH = 88


class YamlWriter:
    """Writes records in the style contributors use: block mappings, short flow
    lists and mappings. Several times faster than PyYAML's dumper on these records,
    because it only handles JSON-like data and remembers each scalar it has written.
    """

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._resolver = yaml.resolver.Resolver()

    def scalar(self, value: Any) -> str:
        """One scalar as YAML; a string is plain only where YAML reads it back unchanged."""
        if isinstance(value, str):
            text = self._strings.get(value)
            if text is None:
                text = self._strings[value] = self._string(value)
            return text
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        return repr(value)

    def _string(self, text: str) -> str:
        if _DATE.fullmatch(text):
            return text  # a YAML date; loading turns it back into this string
        plain_tag = self._resolver.resolve(yaml.ScalarNode, text, (True, False))
        if (
            _PLAIN.fullmatch(text)
            and plain_tag == STRING_TAG
            and not text.endswith(" ")
            and " #" not in text
        ):
            return text
        return json.dumps(text, ensure_ascii=False)

    def _flow(self, value: Any) -> str | None:
        """``value`` on one line, if it is a short mapping or list of scalars."""
        if isinstance(value, dict):
            if any(isinstance(item, dict | list) for item in value.values()):
                return None
            text = (
                "{" + ", ".join(f"{key}: {self.scalar(item)}" for key, item in value.items()) + "}"
            )
        else:
            if any(isinstance(item, dict | list) for item in value):
                return None
            text = "[" + ", ".join(self.scalar(item) for item in value) + "]"
        return text if len(text) <= FLOW_WIDTH else None

    def _inline(self, value: Any) -> str | None:
        return self._flow(value) if isinstance(value, dict | list) else self.scalar(value)

    def _emit(self, value: Any, indent: str, lines: list[str]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                inline = self._inline(item)
                if inline is None:
                    lines.append(f"{indent}{key}:")
                    self._emit(item, indent + "  ", lines)
                else:
                    lines.append(f"{indent}{key}: {inline}")
            return
        for item in value:
            inline = self._inline(item)
            if inline is not None:
                lines.append(f"{indent}- {inline}")
                continue
            start = len(lines)
            self._emit(item, indent + "  ", lines)
            lines[start] = f"{indent}- {lines[start][len(indent) + 2 :]}"

    def dumps(self, data: Mapping[str, Any]) -> str:
        """A record as a YAML document."""
        lines: list[str] = []
        self._emit(dict(data), "", lines)
        return "\n".join(lines) + "\n"


def write_records(records: Iterable[SyntheticRecord], root: Path) -> int:
    """Write each record to ``root/<state>/<slug>.yaml``; return how many were written."""
    writer = YamlWriter()
    folders: set[Path] = set()
    written = 0
    for record in records:
        path = root / record.relative_path
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_text(writer.dumps(record.data), encoding="utf-8")
        written += 1
    return written


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of records")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """``python bench/synthetic.py N DIR``: write N records into an empty folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=_positive, metavar="N", help="how many records to write")
    parser.add_argument("directory", type=Path, metavar="DIR", help="an empty or new folder")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day verification and price dates count back from (default: today)",
    )
    args = parser.parse_args(argv)
    directory: Path = args.directory
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise SystemExit(f"{directory} is not an empty folder; choose a new one")
    records = generate_records(args.count, seed=args.seed, today=args.today)
    written = write_records(records, directory)
    print(f"wrote {written} records under {directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
