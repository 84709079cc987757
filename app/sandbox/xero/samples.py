"""Sample Xero data for the sandbox: the bakery's customers and suppliers in "Demo Bakery Ltd".

About 60 contacts: mostly customers, some suppliers, a few without an email address, two
archived, and one customer in the "Email opt-out" group. Groups: "Newsletter", "Wholesale"
and "VIP". The data is fixed (no randomness), so every sandbox starts the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

GROUPS = ("Newsletter", "Wholesale", "VIP")
OPT_OUT_GROUP = "Email opt-out"

FIRST = ("Aroha", "Ben", "Chen", "Dana", "Eli", "Fatima", "George", "Hine", "Isla", "Jack")
LAST = ("Walker", "Ngata", "Li", "Murphy", "Singh", "Brown", "Taylor", "Wilson", "Kaur", "Smith")
CITIES = (
    ("Wellington", "Wellington", "6011"),
    ("Auckland", "Auckland", "1010"),
    ("Christchurch", "Canterbury", "8011"),
    ("Dunedin", "Otago", "9016"),
)
SUPPLIERS = (
    "Golden Mill Flour Co",
    "Southern Dairy Supplies",
    "Kiwi Packaging Ltd",
    "Orchard Fresh Fruit",
    "Bean There Coffee Roasters",
    "Salt & Sugar Wholesale",
    "Cleanline Services",
    "Harbour Logistics",
)


class Seeder(Protocol):
    """What the samples need from the emulator (``XeroEmulator.seed_contact``)."""

    def seed_contact(self, name: str, **fields: Any) -> str: ...


def sample_contacts() -> Iterator[dict[str, Any]]:
    """Keyword arguments for ``XeroEmulator.seed_contact``, one dict per contact."""
    for i in range(50):
        first, last = FIRST[i % 10], LAST[(i * 3 + i // 10) % 10]
        city, region, postcode = CITIES[i % len(CITIES)]
        name = f"{first} {last}" + (f" ({i // 10 + 1})" if i >= 10 else "")
        groups = ["Newsletter"] if i % 2 == 0 else []
        if i % 7 == 0:
            groups.append("VIP")
        if i % 9 == 4:
            groups.append("Wholesale")
        contact: dict[str, Any] = {
            "name": name,
            "first_name": first,
            "last_name": last,
            "email": "" if i in (5, 17, 29, 41) else f"{first}.{last}{i}@example.com".lower(),
            "is_customer": True,
            "status": "ARCHIVED" if i in (33, 47) else "ACTIVE",
            "groups": groups + ([OPT_OUT_GROUP] if i == 12 else []),
            "ContactNumber": f"CUST-{1000 + i}",
            "Phones": [
                {"PhoneType": "DEFAULT", "PhoneNumber": f"555 {1000 + i}", "PhoneAreaCode": "04"},
                {"PhoneType": "MOBILE", "PhoneNumber": f"21 {200000 + i * 37}"},
            ],
            "Addresses": [
                {
                    "AddressType": "STREET" if i % 5 else "POBOX",
                    "AddressLine1": f"{10 + i} Baker Street" if i % 5 else f"PO Box {300 + i}",
                    "City": city,
                    "Region": region,
                    "PostalCode": postcode,
                    "Country": "New Zealand",
                }
            ],
        }
        yield contact
    for i, name in enumerate(SUPPLIERS):
        yield {
            "name": name,
            "email": f"accounts@{name.split()[0].lower()}-supplies.example.com",
            "is_supplier": True,
            "is_customer": i == 0,  # the mill also buys bread
            "groups": ["Wholesale"] if i < 3 else [],
            "ContactNumber": f"SUPP-{200 + i}",
        }


def seed_xero_samples(emulator: Seeder) -> int:
    """Seed the sample contacts; returns how many were added."""
    count = 0
    for contact in sample_contacts():
        emulator.seed_contact(**contact)
        count += 1
    return count
