"""Sample data for the sandbox: a small business's customer file and a few existing contacts."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

SAMPLE_PROFILE_NAME = "Bakery customers → Newsletter"
SAMPLE_LIST_NAME = "Newsletter"
SAMPLE_FILE_NAME = "bakery-customers.csv"

HEADER = (
    "Customer ID",
    "First Name",
    "Last Name",
    "Email Address",
    "Company",
    "Phone",
    "Street",
    "City",
    "State",
    "Postal Code",
    "Country",
    "Customer Type",
    "Email Opt Out",
)
FIRST = (
    "Ada",
    "Grace",
    "Alan",
    "Maya",
    "Omar",
    "Lena",
    "Ravi",
    "Sofia",
    "Tom",
    "Nina",
    "Yusuf",
    "Chloe",
    "Diego",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lucia",
    "Mateo",
    "Priya",
)
LAST = (
    "Lovelace",
    "Hopper",
    "Turing",
    "Patel",
    "Haddad",
    "Berg",
    "Kumar",
    "Rossi",
    "Baker",
    "Novak",
    "Demir",
    "Martin",
    "Garcia",
    "Sato",
    "Petrov",
    "Schmidt",
    "Mensah",
    "Costa",
)
CITIES = (
    ("Portland", "OR", "97201"),
    ("Austin", "TX", "73301"),
    ("Denver", "CO", "80202"),
    ("Boston", "MA", "02108"),
    ("Madison", "WI", "53703"),
    ("Asheville", "NC", "28801"),
)
TYPES = ("Retail", "Wholesale", "Cafe", "Event")

# Contacts that already exist in the sandbox's Constant Contact account on first use.
# One of them unsubscribed: the sample file lists them too, and the sync must leave them alone.
EXISTING = (
    {
        "email": "grace.hopper@example.com",
        "first_name": "Grace",
        "last_name": "Hopper",
        "permission": "explicit",
    },
    {
        "email": "alan.turing@example.com",
        "first_name": "Alan",
        "last_name": "Turing",
        "permission": "unsubscribed",
    },
    {
        "email": "old.friend@example.org",
        "first_name": "Old",
        "last_name": "Friend",
        "permission": "implicit",
    },
)


def contact_rows(n: int, seed: int = 7) -> Iterator[tuple[str, ...]]:
    """``n`` realistic customer rows, the same every time for the same seed."""
    rng = random.Random(seed)
    for i in range(1, n + 1):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        city, state, postal = CITIES[i % len(CITIES)]
        email = f"{first}.{last}.{i}@example.com".lower()
        yield (
            f"C{i:07d}",
            first,
            last,
            email,
            f"{last} & Co" if i % 5 == 0 else "",
            f"(503) 555-{i % 10000:04d}" if i % 3 else "",
            f"{100 + i % 900} Main St",
            city,
            state,
            postal,
            "United States",
            TYPES[rng.randrange(len(TYPES))],
            "Yes" if i % 97 == 0 else "",
        )


def write_contacts_csv(path: Path, n: int, seed: int = 7) -> Path:
    """Write ``n`` generated customers to a CSV file, streaming (for benchmarks too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerows(contact_rows(n, seed))
    return path


def write_sample_csv(path: Path) -> Path:
    """The sandbox's customer file: 240 customers plus the cases a real file has.

    It includes a customer who unsubscribed in Constant Contact, a duplicate email, a row
    with no email, a mistyped email, and a customer who opted out in the shop's own records.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerows(contact_rows(240))
        extra = [
            (
                "C9000001",
                "Grace",
                "Hopper",
                "grace.hopper@example.com",
                "Navy Bakery Supply",
                "(503) 555-0101",
                "1 Harbor Way",
                "Portland",
                "OR",
                "97201",
                "United States",
                "Wholesale",
                "",
            ),
            (
                "C9000002",
                "Alan",
                "Turing",
                "alan.turing@example.com",
                "",
                "",
                "2 Bletchley Rd",
                "Boston",
                "MA",
                "02108",
                "United States",
                "Retail",
                "",
            ),
            (
                "C9000003",
                "Maya",
                "Patel",
                "MAYA.PATEL.3@example.com",
                "",
                "",
                "3 Elm St",
                "Austin",
                "TX",
                "73301",
                "United States",
                "Cafe",
                "",
            ),
            ("C9000004", "Walk-in", "Customer", "", "", "", "", "", "", "", "", "Retail", ""),
            (
                "C9000005",
                "Typo",
                "Tess",
                "tess@example",
                "",
                "",
                "",
                "Denver",
                "CO",
                "80202",
                "United States",
                "Retail",
                "",
            ),
            (
                "C9000006",
                "Private",
                "Pat",
                "pat.private@example.com",
                "",
                "",
                "",
                "Madison",
                "WI",
                "53703",
                "United States",
                "Event",
                "Yes",
            ),
        ]
        out.writerows(extra)
    return path
