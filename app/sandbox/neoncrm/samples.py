"""The sample nonprofit: Maple Street Community Kitchen, its supporters and partners.

About forty individuals a newcomer can read: donors, volunteers, board members and clients
in and around Portland, with what a real database holds: a married couple sharing one
address (okafor.family@...), the same person entered twice with the same name and email
(Maria Lopez), an old duplicate merged into its survivor (Henry Adams: the old id answers
HTTP 222), supporters who opted out by email, one whose email consent was declined without
the opt-out flag, one deceased, one flagged Do Not Contact, a couple imported earlier from
Constant Contact (Origin "API" / "Constant Contact"), two without an email, and one email
in mixed case. Three organizations (company accounts) are partners; one's primary contact
shares his email with his own individual account. A small trial org answers on the trial
host. Seeding twice adds nothing, so changes made in the sandbox are kept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.sandbox.neoncrm.seeding import address

ORG_ID = "maplestreet"
ORG_NAME = "Maple Street Community Kitchen"
API_KEY = "sandbox-neon-maplestreet-2f9c"  # a sandbox value the emulator issues itself
STAFF_FIRST, STAFF_LAST = "Dana", "Whitfield"
TRIAL_ORG_ID = "maplestreet-trial"
TRIAL_ORG_NAME = "Maple Street Community Kitchen (trial)"
TRIAL_API_KEY = "sandbox-neon-trial-7a41"

INDIVIDUAL_TYPES = ("Donor", "Volunteer", "Board Member", "Client", "Staff")
# (name, display type, data type, options, account type)
CUSTOM_FIELDS: tuple[tuple[str, str, str | None, tuple[str, ...], str], ...] = (
    (
        "Volunteer Interests",
        "Checkbox",
        None,
        ("Kitchen Shifts", "Food Drives", "Deliveries", "Events"),
        "Individual",
    ),
    ("Preferred Language", "Dropdown", None, ("English", "Spanish", "Vietnamese", "Somali"), "Any"),
    ("T-Shirt Size", "Radio", None, ("S", "M", "L", "XL"), "Individual"),
    ("How Did You Hear", "OneLineText", "Text", (), "Any"),
    ("First Volunteer Date", "OneLineText", "Date", (), "Individual"),
    ("Dietary Notes", "MultiLineText", None, (), "Individual"),
    # Two fields with one display name, as orgs have them live: tell them apart by id.
    ("Emergency Contact", "OneLineText", "Name", (), "Individual"),
    ("Emergency Contact", "OneLineText", "Phone", (), "Individual"),
    ("Sponsorship Level", "Dropdown", None, ("Bronze", "Silver", "Gold"), "Company"),
)

PORTLAND = ("Portland", "OR", "972")
# first, last, email, street, city, state, zip prefix, types, extras
PEOPLE: tuple[tuple[str, str, str | None, str, tuple[str, ...], dict[str, Any]], ...] = (
    ("Maria", "Lopez", "maria.lopez@example.com", "14 SE Alder St", ("Donor",), {}),
    ("Maria", "Lopez", "maria.lopez@example.com", "14 SE Alder St", ("Volunteer",), {}),
    ("Chidi", "Okafor", "okafor.family@example.org", "220 NE Going St", ("Donor",), {}),
    ("Ngozi", "Okafor", "okafor.family@example.org", "220 NE Going St", ("Volunteer",), {}),
    (
        "James",
        "Chen",
        "james.chen@example.net",
        "901 NW Everett St",
        ("Board Member", "Donor"),
        {"title": "Treasurer"},
    ),
    (
        "Priya",
        "Natarajan",
        "priya.n@example.org",
        "3310 SE Division St",
        ("Volunteer",),
        {
            "custom": {
                "Volunteer Interests": ["Kitchen Shifts", "Events"],
                "First Volunteer Date": "03/15/2023",
                "T-Shirt Size": "M",
            }
        },
    ),
    (
        "Tom",
        "Baker",
        "tom@greenleafgrocers.example.com",
        "77 N Mississippi Ave",
        ("Donor",),
        {"employer": "Greenleaf Grocers", "title": "Owner"},
    ),
    (
        "Helen",
        "Park",
        "helen.park@example.org",
        "1502 SW Jefferson St",
        ("Board Member",),
        {"title": "Board Chair"},
    ),
    (
        "Samuel",
        "Osei",
        "sam.osei@example.com",
        "48 NE Killingsworth St",
        ("Donor",),
        {"opted_out": True, "consent": {"email": "DECLINED"}},
    ),
    (
        "Linh",
        "Tran",
        "linh.tran@example.org",
        "6120 SE Foster Rd",
        ("Client",),
        {"custom": {"Preferred Language": "Vietnamese"}},
    ),
    (
        "Ahmed",
        "Farah",
        "ahmed.farah@example.com",
        "11 N Lombard St",
        ("Volunteer",),
        {"custom": {"Preferred Language": "Somali", "Volunteer Interests": ["Deliveries"]}},
    ),
    (
        "Grace",
        "Whitaker",
        "grace.whitaker@example.net",
        "2 SW Vista Ave",
        ("Donor",),
        {"deceased": True},
    ),
    (
        "Robert",
        "Fitzgerald",
        "bob.fitz@example.com",
        "940 NE Broadway",
        ("Donor",),
        {"do_not_contact": True},
    ),
    (
        "Emily",
        "Novak",
        "emily.novak@example.org",
        "305 SE Hawthorne Blvd",
        ("Volunteer",),
        {"opted_out": True},
    ),
    (
        "Carlos",
        "Mendez",
        "carlos.mendez@example.com",
        "58 N Williams Ave",
        ("Volunteer",),
        {"email2": "cmendez.work@example.net", "phones": {"phone3": "503-555-0148"}},
    ),
    (
        "Hannah",
        "Schmidt",
        "hannah.schmidt@example.org",
        "417 SE Belmont St",
        ("Donor",),
        {"consent": {"email": "DECLINED"}},
    ),
    (
        "Kwame",
        "Mensah",
        "kwame.mensah@example.com",
        "1200 NE Alberta St",
        ("Donor",),
        {"origin": ("API", "Constant Contact"), "consent": {"email": "GIVEN"}},
    ),
    (
        "Sofia",
        "Rossi",
        "sofia.rossi@example.org",
        "88 SE Clinton St",
        (),
        {"origin": ("API", "Constant Contact")},
    ),
    ("Daniel", "Kim", None, "731 SE Stark St", ("Volunteer",), {"phone": "503-555-0112"}),
    (
        "Olivia",
        "Brown",
        "olivia.brown@example.com",
        "19 SW Main St",
        ("Donor", "Staff"),
        {"title": "Volunteer Coordinator"},
    ),
    (
        "Noah",
        "Wilson",
        "noah.wilson@example.org",
        "4402 N Vancouver Ave",
        ("Volunteer",),
        {"custom": {"T-Shirt Size": "L"}},
    ),
    (
        "Ava",
        "Martinez",
        "ava.martinez@example.com",
        "7030 SE 52nd Ave",
        ("Client",),
        {"custom": {"Preferred Language": "Spanish"}},
    ),
    (
        "Liam",
        "Johnson",
        "liam.johnson@example.net",
        "512 NW 23rd Ave",
        ("Donor",),
        {"source": "Annual Gala"},
    ),
    ("Isabella", "Garcia", "isabella.garcia@example.org", "2650 NE Sandy Blvd", ("Volunteer",), {}),
    (
        "Ethan",
        "Davis",
        "ethan.davis@example.com",
        "39 SE Ankeny St",
        ("Donor",),
        {"phone": "503-555-0190"},
    ),
    (
        "Mia",
        "Thompson",
        "mia.thompson@example.org",
        "1818 NE 15th Ave",
        ("Volunteer",),
        {"opted_out": True, "consent": {"email": "DECLINED"}},
    ),
    (
        "Lucas",
        "Anderson",
        "lucas.anderson@example.net",
        "623 N Killingsworth St",
        ("Volunteer",),
        {},
    ),
    (
        "Amelia",
        "Clark",
        "amelia.clark@example.com",
        "4100 SE Woodstock Blvd",
        ("Donor",),
        {"consent": {"email": "GIVEN"}},
    ),
    (
        "Benjamin",
        "Lewis",
        "ben.lewis@example.org",
        "76 SW Gibbs St",
        ("Board Member",),
        {"title": "Secretary"},
    ),
    (
        "Harper",
        "Walker",
        "harper.walker@example.com",
        "3535 N Interstate Ave",
        ("Volunteer",),
        {"custom": {"Dietary Notes": "Vegetarian"}},
    ),
    ("Elijah", "Hall", None, "209 SE Morrison St", ("Client",), {}),
    ("Evelyn", "Young", "Evelyn.Young@Example.com", "1404 NE Fremont St", ("Donor",), {}),
    (
        "Mateo",
        "Hernandez",
        "mateo.hernandez@example.org",
        "9001 SE Powell Blvd",
        ("Client",),
        {"custom": {"Preferred Language": "Spanish"}},
    ),
    (
        "Zoe",
        "King",
        "zoe.king@example.com",
        "5 NW Couch St",
        ("Volunteer",),
        {"custom": {"How Did You Hear": "Farmers market stall"}},
    ),
    ("Jack", "Wright", "jack.wright@example.net", "2323 SE Ankeny St", ("Donor",), {}),
    (
        "Chloe",
        "Scott",
        "chloe.scott@example.org",
        "1122 N Russell St",
        ("Volunteer",),
        {"custom": {"Dietary Notes": "Vegetarian; nut allergy", "Emergency Contact": "Sam Scott"}},
    ),
    ("Henry", "Adams", "henry.adams@example.com", "640 SE 12th Ave", ("Donor",), {"merged": True}),
    ("Henry", "Adams", "henry.adams@example.com", "640 SE 12th Ave", ("Donor", "Volunteer"), {}),
    (
        "Layla",
        "Nguyen",
        "layla.nguyen@example.org",
        "8110 N Denver Ave",
        ("Volunteer",),
        {"email3": "layla.n@example.net"},
    ),
    (
        "Oscar",
        "Petrov",
        "oscar.petrov@example.com",
        "301 NE Glisan St",
        ("Donor",),
        {"opted_out": True},
    ),
    (
        "Ruth",
        "Abernathy",
        "ruth.abernathy@example.net",
        "12 SW Ravensview Dr",
        ("Donor",),
        {"city": ("Lake Oswego", "OR", "97034")},
    ),
)
# name, contact first, contact last, email, street, sponsorship
COMPANIES = (
    (
        "Greenleaf Grocers",
        "Tom",
        "Baker",
        "tom@greenleafgrocers.example.com",
        "77 N Mississippi Ave",
        "Gold",
    ),
    (
        "Riverside Rotary Club",
        "Helen",
        "Park",
        "rotary@riverside.example.org",
        "1 SW Naito Pkwy",
        "Silver",
    ),
    (
        "Northside Bakery Co-op",
        None,
        None,
        "info@northsidebakery.example.com",
        "2201 N Killingsworth St",
        "Bronze",
    ),
)
TRIAL_PEOPLE = (
    ("Test", "Donor", "test.donor@example.org"),
    ("Trial", "Volunteer", "trial.volunteer@example.org"),
    ("Pat", "Sample", "pat.sample@example.org"),
)
FIRST_CREATED = datetime(2022, 9, 6, 15, 30, tzinfo=UTC)


def sample_connection(environment: str = "production") -> dict[str, str]:
    """What a user types to connect to the sample org: org id and API key (sandbox values)."""
    if environment == "trial":
        return {"environment": "trial", "org_id": TRIAL_ORG_ID, "api_key": TRIAL_API_KEY}
    return {"environment": "production", "org_id": ORG_ID, "api_key": API_KEY}


def seed_samples(emulator: Any) -> None:
    """Add the sample orgs, fields and accounts, unless the sample org already has accounts."""
    emulator.add_org(ORG_ID, ORG_NAME)
    emulator.add_api_user(ORG_ID, API_KEY, first=STAFF_FIRST, last=STAFF_LAST)
    emulator.add_org(TRIAL_ORG_ID, TRIAL_ORG_NAME, trial=True)
    emulator.add_api_user(TRIAL_ORG_ID, TRIAL_API_KEY, first=STAFF_FIRST, last=STAFF_LAST)
    if emulator.account_ids(ORG_ID):
        return
    for name in INDIVIDUAL_TYPES:
        emulator.add_individual_type(ORG_ID, name)
    for name, display, data_type, options, account_type in CUSTOM_FIELDS:
        emulator.add_custom_field(
            ORG_ID, name, display, data_type=data_type, options=options, account_type=account_type
        )
    when = FIRST_CREATED
    companies: dict[str, str] = {}
    for name, first, last, office_email, street, level in COMPANIES:
        companies[name] = emulator.add_company(
            ORG_ID,
            name,
            contact_first=first,
            contact_last=last,
            email=office_email,
            office=address(street, "Portland", "OR", "97217", kind="Business"),
            custom={"Sponsorship Level": level},
            created=when,
        )
        when += timedelta(days=11, hours=3)
    merged_from: str | None = None
    for index, (first, last, email, street, types, extra) in enumerate(PEOPLE):
        city, state, zip_code = extra.get("city") or (
            *PORTLAND[:2],
            f"{PORTLAND[2]}{index % 90 + 10:02d}",
        )
        account_id = emulator.add_individual(
            ORG_ID,
            first,
            last,
            email,
            email2=extra.get("email2"),
            email3=extra.get("email3"),
            title=extra.get("title"),
            home=address(street, city, state, zip_code, phone=extra.get("phone")),
            phones=extra.get("phones"),
            individual_types=types,
            opted_out=extra.get("opted_out", False),
            consent=extra.get("consent"),
            do_not_contact=extra.get("do_not_contact", False),
            deceased=extra.get("deceased", False),
            origin=extra.get("origin") or ("Website", "Donation form"),
            source=extra.get("source"),
            company_id=companies.get(extra.get("employer", "")),
            custom=extra.get("custom"),
            created=when,
        )
        if extra.get("merged"):
            merged_from = account_id
        elif merged_from is not None:
            emulator.merge_accounts(merged_from, account_id)
            merged_from = None
        when += timedelta(days=17, hours=5)
    for first, last, email in TRIAL_PEOPLE:
        emulator.add_individual(TRIAL_ORG_ID, first, last, email, created=when)


def merged_sample_ids(emulator: Any) -> tuple[str, str]:
    """(old id, surviving id) of the sample's merged duplicate (Henry Adams)."""
    ids = emulator.find_by_email(ORG_ID, "henry.adams@example.com")
    survivor = ids[0]
    old = str(int(survivor) - 1)
    return old, survivor
