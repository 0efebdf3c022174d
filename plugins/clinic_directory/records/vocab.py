"""The controlled vocabularies of the clinic record, defined once.

Each term carries its stored value, the label people read and a one-line plain
explanation. The JSON Schema, the validator, the templates, the filters and the
guide links are all derived from these tables, so adding a term here is the only
change needed to accept it everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType


@dataclass(frozen=True)
class Term:
    value: str
    label: str
    explanation: str
    guide: str = ""  # site-relative URL of the guide section explaining it


@dataclass(frozen=True)
class Vocabulary:
    """An ordered, immutable set of terms; the order is the display order."""

    name: str
    terms: tuple[Term, ...]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, value: object) -> bool:
        return value in self._by_value

    @cached_property
    def _by_value(self) -> Mapping[str, Term]:
        return {term.value: term for term in self.terms}

    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(term.value for term in self.terms)

    def get(self, value: str) -> Term:
        try:
            return self._by_value[value]
        except KeyError:
            raise KeyError(f"{value!r} is not a known {self.name}") from None

    def label(self, value: str) -> str:
        return self.get(value).label


def _vocabulary(name: str, *rows: tuple[str, ...]) -> Vocabulary:
    return Vocabulary(name, tuple(Term(*row) for row in rows))


#: Shown with every at-home service, on clinic pages and in the finder's cards.
AT_HOME_WARNING = (
    "The FDA has warned that ketamine taken at home, with no clinician there to monitor "
    "you, adds risk, and that compounded ketamine has not been evaluated by the FDA for "
    "safety or effectiveness."
)

ROUTES_GUIDE = "guide/routes/"
CONDITIONS_GUIDE = "guide/conditions/"
CHOOSING_GUIDE = "guide/choosing-a-clinic/"
COST_GUIDE = "guide/cost-and-insurance/"

ROUTES = _vocabulary(
    "route",
    (
        "iv_infusion",
        "IV infusion",
        "Ketamine given slowly into a vein, usually over about 40 minutes; the most studied way to give it for depression.",
        ROUTES_GUIDE + "#iv-infusion",
    ),
    (
        "intramuscular",
        "Intramuscular injection",
        "Ketamine injected into a muscle in the clinic; less studied than IV infusion.",
        ROUTES_GUIDE + "#intramuscular",
    ),
    (
        "esketamine_nasal",
        "Esketamine nasal spray (Spravato)",
        "The FDA-approved nasal spray (Spravato) for adults with treatment-resistant depression, with or without an antidepressant pill, and, with an antidepressant pill, for depressive symptoms in major depression with acute suicidal thoughts or behavior; used only under observation at a REMS-certified site.",
        ROUTES_GUIDE + "#esketamine-nasal",
    ),
    (
        "oral_sublingual",
        "Oral or sublingual",
        "Compounded ketamine swallowed or dissolved under the tongue; not FDA-approved for any psychiatric condition.",
        ROUTES_GUIDE + "#oral-sublingual",
    ),
    (
        "subcutaneous",
        "Subcutaneous injection",
        "Ketamine injected just under the skin; tested in one large randomized trial.",
        ROUTES_GUIDE + "#subcutaneous",
    ),
    (
        "at_home",
        "At-home (telehealth)",
        "Ketamine prescribed through telehealth and taken at home without a clinician present; the FDA has warned about the risks.",
        ROUTES_GUIDE + "#at-home",
    ),
)

CONDITIONS = _vocabulary(
    "condition",
    (
        "treatment_resistant_depression",
        "Treatment-resistant depression",
        "Depression that has not improved after at least two antidepressants given at an adequate dose and duration.",
        CONDITIONS_GUIDE + "#treatment-resistant-depression",
    ),
    (
        "major_depression",
        "Major depression",
        "Major depressive disorder; racemic ketamine is used off-label, esketamine is approved for some patients.",
        CONDITIONS_GUIDE + "#treatment-resistant-depression",
    ),
    (
        "depression_with_suicidal_thoughts",
        "Depression with suicidal thoughts",
        "Major depression with acute suicidal thoughts or behaviour; ketamine has not been shown to prevent suicide.",
        CONDITIONS_GUIDE + "#suicidal-thoughts",
    ),
    (
        "bipolar_depression",
        "Bipolar depression",
        "The depressive phase of bipolar disorder; evidence comes from two small trials.",
        CONDITIONS_GUIDE + "#bipolar-depression",
    ),
    (
        "ptsd",
        "PTSD",
        "Post-traumatic stress disorder; trial results are mixed.",
        CONDITIONS_GUIDE + "#ptsd",
    ),
    (
        "anxiety",
        "Anxiety disorders",
        "Evidence is limited to small trials; the clearest signal is for social anxiety.",
        CONDITIONS_GUIDE + "#anxiety",
    ),
    (
        "chronic_pain",
        "Chronic pain",
        "Long-lasting pain; outside complex regional pain syndrome the evidence shows short-term benefit at best.",
        CONDITIONS_GUIDE + "#chronic-pain",
    ),
    (
        "crps",
        "Complex regional pain syndrome (CRPS)",
        "A chronic pain condition, usually in a limb; the pain condition with the most support for ketamine (moderate evidence).",
        CONDITIONS_GUIDE + "#chronic-pain",
    ),
    (
        "fibromyalgia",
        "Fibromyalgia",
        "Widespread chronic pain; evidence for ketamine is weak or absent.",
        CONDITIONS_GUIDE + "#chronic-pain",
    ),
    (
        "migraine",
        "Migraine",
        "Recurring severe headaches; evidence for ketamine is weak or absent.",
        CONDITIONS_GUIDE + "#chronic-pain",
    ),
    (
        "neuropathic_pain",
        "Neuropathic pain",
        "Pain from nerve damage; evidence for ketamine is weak for most kinds.",
        CONDITIONS_GUIDE + "#chronic-pain",
    ),
)

CREDENTIALS = _vocabulary(
    "credential",
    ("MD", "MD", "Doctor of Medicine: a licensed physician.", CHOOSING_GUIDE + "#who-treats-you"),
    (
        "DO",
        "DO",
        "Doctor of Osteopathic Medicine: a licensed physician.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "NP",
        "NP",
        "Nurse practitioner: an advanced practice nurse who can prescribe.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "PA",
        "PA",
        "Physician assistant: prescribes under a physician's supervision or collaboration.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "CRNA",
        "CRNA",
        "Certified registered nurse anesthetist: a nurse trained to give anaesthesia.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    ("RN", "RN", "Registered nurse.", CHOOSING_GUIDE + "#who-treats-you"),
    (
        "PhD",
        "PhD",
        "A doctorate, often held by psychologists.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "PsyD",
        "PsyD",
        "Doctor of Psychology: a clinical psychologist.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "LCSW",
        "LCSW",
        "Licensed clinical social worker: provides psychotherapy.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "LPC",
        "LPC",
        "Licensed professional counselor: provides psychotherapy.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "LMFT",
        "LMFT",
        "Licensed marriage and family therapist: provides psychotherapy.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
)

SPECIALTIES = _vocabulary(
    "specialty",
    (
        "anesthesiology",
        "Anesthesiology",
        "Doctors trained in anaesthesia, airway care and monitoring.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "nurse_anesthesia",
        "Nurse anesthesia",
        "Anaesthesia care given by a nurse anesthetist (CRNA).",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "psychiatry",
        "Psychiatry",
        "The medical specialty of mental health; psychiatrists diagnose and prescribe.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "psychiatric_nursing",
        "Psychiatric nursing",
        "Nursing focused on mental health, including psychiatric nurse practitioners.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "emergency_medicine",
        "Emergency medicine",
        "Doctors trained in emergency care, including airway and resuscitation.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "critical_care",
        "Critical care",
        "Intensive-care medicine, including airway and resuscitation.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "family_medicine",
        "Family medicine",
        "General medical care for all ages.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "internal_medicine",
        "Internal medicine",
        "General medical care for adults.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "pain_medicine",
        "Pain medicine",
        "Diagnosis and treatment of chronic pain.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
    (
        "psychotherapy",
        "Psychotherapy",
        "Talking therapy, including integration sessions after ketamine.",
        CHOOSING_GUIDE + "#who-treats-you",
    ),
)

ROLES = _vocabulary(
    "role",
    (
        "medical_director",
        "Medical director",
        "The clinician responsible for the clinic's medical protocols.",
    ),
    ("prescriber", "Prescriber", "Evaluates patients and prescribes the treatment."),
    (
        "administers_treatment",
        "Gives the treatment",
        "Gives the ketamine and monitors the patient during the session.",
    ),
    ("therapist", "Therapist", "Provides psychotherapy or integration sessions."),
    ("nurse", "Nurse", "Nursing care and monitoring."),
)

SAFETY_PRACTICES = _vocabulary(
    "safety practice",
    (
        "medical_screening",
        "Medical screening",
        "A medical history and physical exam before treatment.",
        CHOOSING_GUIDE + "#screening",
    ),
    (
        "psychiatric_screening",
        "Psychiatric screening",
        "An in-person psychiatric evaluation, including substance-use history, before treatment.",
        CHOOSING_GUIDE + "#screening",
    ),
    (
        "vital_signs_monitoring",
        "Vital-sign monitoring",
        "Blood pressure, heart rate and oxygen level are checked before and during the session.",
        CHOOSING_GUIDE + "#monitoring",
    ),
    (
        "pulse_oximetry",
        "Pulse oximetry",
        "A finger sensor watches blood oxygen throughout the session.",
        CHOOSING_GUIDE + "#monitoring",
    ),
    (
        "acls_staff",
        "ACLS-trained staff",
        "Staff certified in Advanced Cardiac Life Support are present during treatment.",
        CHOOSING_GUIDE + "#monitoring",
    ),
    (
        "emergency_equipment",
        "Emergency equipment on site",
        "Equipment to manage breathing or heart emergencies is on site.",
        CHOOSING_GUIDE + "#monitoring",
    ),
    (
        "written_protocol",
        "Written protocol",
        "The clinic has a written treatment protocol it will share.",
        CHOOSING_GUIDE + "#protocol",
    ),
    (
        "coordinates_with_own_clinician",
        "Coordinates with your clinicians",
        "The clinic works with your own prescriber or therapist.",
        CHOOSING_GUIDE + "#protocol",
    ),
    (
        "defined_treatment_plan",
        "Defined treatment plan",
        "Treatment follows a plan with a defined course and end point.",
        CHOOSING_GUIDE + "#protocol",
    ),
    (
        "integration_therapy",
        "Integration therapy",
        "Psychotherapy sessions that help you make sense of the experience.",
        "guide/what-to-expect/#integration",
    ),
    (
        "ride_home_required",
        "Ride home required",
        "Someone else takes you home: no driving until the next day after a night's sleep (esketamine), or for at least 24 hours (ketamine).",
        "guide/what-to-expect/#afterwards",
    ),
)

PAYMENT_METHODS = _vocabulary(
    "payment method",
    ("cash", "Cash or check", "Payment in cash or by check.", COST_GUIDE),
    ("card", "Credit or debit card", "Payment by card.", COST_GUIDE),
    ("hsa_fsa", "HSA / FSA", "Health savings or flexible spending accounts.", COST_GUIDE),
    (
        "financing",
        "Financing",
        "A third-party loan or payment plan; read the terms and interest rate.",
        COST_GUIDE,
    ),
    ("sliding_scale", "Sliding scale", "Reduced prices based on income.", COST_GUIDE),
)

MEMBERSHIPS = _vocabulary(
    "membership",
    (
        "askp3",
        "ASKP3",
        "American Society of Ketamine Physicians, Psychotherapists & Practitioners: a professional society, not a regulator or accrediting body.",
        CHOOSING_GUIDE + "#memberships",
    ),
    (
        "asa",
        "ASA",
        "American Society of Anesthesiologists: a professional society, not a regulator or accrediting body.",
        CHOOSING_GUIDE + "#memberships",
    ),
    (
        "aana",
        "AANA",
        "American Association of Nurse Anesthesiology: a professional society, not a regulator or accrediting body.",
        CHOOSING_GUIDE + "#memberships",
    ),
    (
        "apa",
        "APA",
        "American Psychiatric Association: a professional society, not a regulator or accrediting body.",
        CHOOSING_GUIDE + "#memberships",
    ),
)

STATUSES = _vocabulary(
    "status",
    ("active", "Open", "The clinic is operating."),
    (
        "temporarily_closed",
        "Temporarily closed",
        "The clinic is closed for now and expects to reopen.",
    ),
    (
        "closed",
        "Closed",
        "The clinic has closed; its page stays so that old links still explain what happened.",
    ),
)

PRICE_UNITS = _vocabulary(
    "price unit",
    (
        "session",
        "per session",
        "The price of one treatment session.",
        COST_GUIDE + "#comparable-price",
    ),
    (
        "series",
        "per series",
        "A package of several sessions for one price, shown with its price per session; compared after single-session prices.",
        COST_GUIDE + "#comparable-price",
    ),
    (
        "consultation",
        "per consultation",
        "An evaluation or follow-up visit without treatment; never counted as a session price.",
        COST_GUIDE + "#comparable-price",
    ),
    (
        "month",
        "per month",
        "A monthly fee, common for at-home programmes; never counted as a session price.",
        COST_GUIDE + "#comparable-price",
    ),
)

MEDICINE = _vocabulary(
    "medicine",
    (
        "included",
        "Medicine included",
        "The price covers the ketamine or esketamine itself as well as the visit.",
        COST_GUIDE + "#comparable-price",
    ),
    (
        "billed_separately",
        "Medicine billed separately",
        "The price is the clinic's fee only; the medicine is billed apart, often to insurance (as with Spravato), so it is not the full cost of a session.",
        COST_GUIDE + "#comparable-price",
    ),
    (
        "not_applicable",
        "No medicine",
        "The fee is for a visit or a membership at which no medicine is given, such as a consultation.",
        COST_GUIDE + "#comparable-price",
    ),
)

VERIFICATION_METHODS = _vocabulary(
    "verification method",
    (
        "website",
        "The clinic's website",
        "A maintainer read the facts on the clinic's own web pages.",
    ),
    (
        "phone",
        "A phone call",
        "A maintainer called the clinic and asked; the facts are what the clinic said.",
    ),
    (
        "written",
        "Written confirmation",
        "The clinic confirmed the facts in writing, such as by email or letter.",
    ),
    (
        "register",
        "A public register",
        "A maintainer checked a public register, such as the FDA's Spravato REMS list or the NPPES NPI Registry.",
    ),
)

REFUND_POLICIES = _vocabulary(
    "refund policy",
    (
        "full",
        "Full refund",
        "The clinic refunds every unused prepaid session in full.",
        COST_GUIDE + "#packages",
    ),
    (
        "prorated",
        "Prorated refund",
        "The clinic refunds unused prepaid sessions in part, at a rate its terms set.",
        COST_GUIDE + "#packages",
    ),
    (
        "none",
        "No refund",
        "The clinic does not refund unused prepaid sessions.",
        COST_GUIDE + "#packages",
    ),
    (
        "not_stated",
        "Not stated",
        "The clinic publishes no refund policy for prepaid packages: ask for it in writing before you pay.",
        COST_GUIDE + "#packages",
    ),
)

ACCESSIBILITY = _vocabulary(
    "accessibility feature",
    (
        "step_free_entrance",
        "Step-free entrance",
        "You can get from the street to the treatment rooms without steps, by a ramp or a lift.",
    ),
    (
        "accessible_restroom",
        "Accessible restroom",
        "A restroom with room for a wheelchair and grab bars.",
    ),
    (
        "accessible_parking",
        "Accessible parking",
        "Parking spaces for people with a disability permit at or next to the building.",
    ),
    (
        "asl_interpreter",
        "ASL interpreter on request",
        "The clinic arranges an American Sign Language interpreter for visits when asked.",
    ),
)

MEDICINE_BILLING = _vocabulary(
    "medicine billing",
    (
        "buy_and_bill",
        "The clinic buys and bills it",
        "The clinic buys the Spravato spray and bills it to your insurance with its own fees.",
        COST_GUIDE + "#insurance",
    ),
    (
        "specialty_pharmacy",
        "A specialty pharmacy supplies it",
        "Your insurance's specialty pharmacy sends the spray to the clinic and bills the insurance for it; the clinic bills its own fees.",
        COST_GUIDE + "#insurance",
    ),
    (
        "either",
        "Either way",
        "The clinic buys and bills the spray, or has it sent by a specialty pharmacy, whichever your insurance requires.",
        COST_GUIDE + "#insurance",
    ),
)

NPI_RESULTS = _vocabulary(
    "NPI check result",
    (
        "match",
        "Matches the national register",
        "The NPPES NPI Registry lists this number for a person with this name, credential and specialty.",
    ),
    (
        "mismatch",
        "Differs from the national register",
        "The NPPES NPI Registry lists this number with a name, credential or specialty other than this listing's.",
    ),
    (
        "deactivated",
        "Deactivated",
        "The NPPES NPI Registry says this number has been deactivated.",
    ),
    (
        "not_found",
        "Not in the national register",
        "The NPPES NPI Registry has no active record of this number: it may have been deactivated or mistyped.",
    ),
)

DAYS = _vocabulary(
    "day",
    ("mon", "Monday", ""),
    ("tue", "Tuesday", ""),
    ("wed", "Wednesday", ""),
    ("thu", "Thursday", ""),
    ("fri", "Friday", ""),
    ("sat", "Saturday", ""),
    ("sun", "Sunday", ""),
)

STATES = _vocabulary(
    "state",
    ("AL", "Alabama", ""),
    ("AK", "Alaska", ""),
    ("AZ", "Arizona", ""),
    ("AR", "Arkansas", ""),
    ("CA", "California", ""),
    ("CO", "Colorado", ""),
    ("CT", "Connecticut", ""),
    ("DE", "Delaware", ""),
    ("DC", "District of Columbia", ""),
    ("FL", "Florida", ""),
    ("GA", "Georgia", ""),
    ("HI", "Hawaii", ""),
    ("ID", "Idaho", ""),
    ("IL", "Illinois", ""),
    ("IN", "Indiana", ""),
    ("IA", "Iowa", ""),
    ("KS", "Kansas", ""),
    ("KY", "Kentucky", ""),
    ("LA", "Louisiana", ""),
    ("ME", "Maine", ""),
    ("MD", "Maryland", ""),
    ("MA", "Massachusetts", ""),
    ("MI", "Michigan", ""),
    ("MN", "Minnesota", ""),
    ("MS", "Mississippi", ""),
    ("MO", "Missouri", ""),
    ("MT", "Montana", ""),
    ("NE", "Nebraska", ""),
    ("NV", "Nevada", ""),
    ("NH", "New Hampshire", ""),
    ("NJ", "New Jersey", ""),
    ("NM", "New Mexico", ""),
    ("NY", "New York", ""),
    ("NC", "North Carolina", ""),
    ("ND", "North Dakota", ""),
    ("OH", "Ohio", ""),
    ("OK", "Oklahoma", ""),
    ("OR", "Oregon", ""),
    ("PA", "Pennsylvania", ""),
    ("PR", "Puerto Rico", ""),
    ("RI", "Rhode Island", ""),
    ("SC", "South Carolina", ""),
    ("SD", "South Dakota", ""),
    ("TN", "Tennessee", ""),
    ("TX", "Texas", ""),
    ("UT", "Utah", ""),
    ("VT", "Vermont", ""),
    ("VA", "Virginia", ""),
    ("WA", "Washington", ""),
    ("WV", "West Virginia", ""),
    ("WI", "Wisconsin", ""),
    ("WY", "Wyoming", ""),
)

LANGUAGES = _vocabulary(
    "language",
    ("en", "English", ""),
    ("es", "Spanish", ""),
    ("zh", "Chinese", ""),
    ("vi", "Vietnamese", ""),
    ("tl", "Tagalog", ""),
    ("ko", "Korean", ""),
    ("ru", "Russian", ""),
    ("ar", "Arabic", ""),
    ("ht", "Haitian Creole", ""),
    ("fr", "French", ""),
    ("pt", "Portuguese", ""),
    ("de", "German", ""),
    ("hi", "Hindi", ""),
    ("ja", "Japanese", ""),
    ("pl", "Polish", ""),
    ("it", "Italian", ""),
    ("fa", "Persian", ""),
    ("hy", "Armenian", ""),
    ("ase", "American Sign Language", ""),
)

#: Every vocabulary, keyed by the name used in the schema's ``$defs`` and the index.
ALL: Mapping[str, Vocabulary] = MappingProxyType(
    {
        "route": ROUTES,
        "condition": CONDITIONS,
        "credential": CREDENTIALS,
        "specialty": SPECIALTIES,
        "role": ROLES,
        "safety": SAFETY_PRACTICES,
        "payment": PAYMENT_METHODS,
        "membership": MEMBERSHIPS,
        "status": STATUSES,
        "price_unit": PRICE_UNITS,
        "medicine": MEDICINE,
        "day": DAYS,
        "state": STATES,
        "language": LANGUAGES,
        "verification_method": VERIFICATION_METHODS,
        "refund_policy": REFUND_POLICIES,
        "accessibility": ACCESSIBILITY,
        "medicine_billing": MEDICINE_BILLING,
        "npi_result": NPI_RESULTS,
    }
)
