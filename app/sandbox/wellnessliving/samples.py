"""The sandbox's sample WellnessLiving businesses, their staff logins and ~40 sample clients.

"Lotus & Pine Yoga" (US production) is the one the sandbox profile reads: clients of three
types and three groups, most subscribed to news and updates, some who turned it off, some
never asked, a few without an email, and names and cities with accents. "Bondi Breath
Studio" is served from Australia, and a staging business has its own application, to check
that a client goes to the right host.

The application ids and secrets here are sandbox values, not secrets: the emulator issues
them to itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.sandbox.wellnessliving.emulator import WellnessLivingEmulator
from app.sandbox.wellnessliving.hosts import AP_SOUTHEAST_2, US_EAST_1

APPLICATION_ID = "contactbridge-sandbox"
APPLICATION_SECRET = "sandbox-authorization-code"
STAGING_APPLICATION_ID = "contactbridge-staging"
STAGING_APPLICATION_SECRET = "staging-authorization-code"

BUSINESS_KEY = "37201"
BUSINESS_NAME = "Lotus & Pine Yoga"
STAFF_LOGIN = "owner@lotuspine.example"
STAFF_PASSWORD = "sandbox-password"

AU_BUSINESS_KEY = "88012"
AU_BUSINESS_NAME = "Bondi Breath Studio"
AU_STAFF_LOGIN = "manager@bondibreath.example"
AU_STAFF_PASSWORD = "sandbox-password"

STAGING_BUSINESS_KEY = "90001"
STAGING_BUSINESS_NAME = "Staging Studio"
STAGING_STAFF_LOGIN = "staff@staging.example"
STAGING_STAFF_PASSWORD = "staging-password"

MEMBER, DROP_IN, PROSPECT = "Member", "Drop-in", "Prospect"
MORNING, TEACHERS, CORPORATE = "Morning Flow", "Teacher Training", "Corporate Wellness"


@dataclass(frozen=True)
class SampleClient:
    first: str
    last: str
    email: str
    city: str
    client_type: str
    groups: tuple[str, ...]
    subscribed: bool | None  # news and updates by email; None: never asked
    added: str  # YYYY-MM-DD


# first | last | email | city | client type | groups (+) | news and updates (Y, N, - never
# asked) | client since
_TABLE = """
Maya|Chen|maya.chen@example.com|Portland|Member|Morning Flow|Y|2023-01-09
Zoë|Ångström|zoe.angstrom@example.com|Portland|Member|Morning Flow+Teacher Training|Y|2023-01-15
José|Núñez|jose.nunez@example.com|San José|Drop-in||Y|2023-02-02
François|Lévesque|francois.levesque@example.ca|Montréal|Member|Teacher Training|Y|2023-02-20
Siobhán|Ó Briain|siobhan.obriain@example.com|Beaverton|Member||N|2023-03-04
Łukasz|Wójcik|lukasz.wojcik@example.com|Portland|Drop-in|Corporate Wellness|Y|2023-03-18
Amara|Okafor|amara.okafor@example.com|Gresham|Member|Morning Flow|Y|2023-04-01
Ben|Whitaker||Portland|Drop-in||Y|2023-04-12
Chloé|Dubois|chloe.dubois@example.ca|Québec|Prospect||-|2023-05-06
Diego|Ramírez|diego.ramirez@example.com|Hillsboro|Member|Corporate Wellness|Y|2023-05-21
Emily|Nakamura|emily.n@example.com|Portland|Member|Morning Flow+Corporate Wellness|Y|2023-06-03
Fatima|Haddad|fatima.haddad@example.com|Lake Oswego|Drop-in||N|2023-06-17
Grace|O'Neill|grace.oneill@example.com|Portland|Member|Teacher Training|Y|2023-07-08
Hannah|Schmidt|hannah.schmidt@example.de|Tigard|Prospect||-|2023-07-22
Ivan|Petrov|ivan.petrov@example.com|Portland|Drop-in|Corporate Wellness|Y|2023-08-05
Jade|Thompson|jade.thompson@example.com|Vancouver|Member|Morning Flow|Y|2023-08-19
Kenji|Watanabe|kenji.watanabe@example.com|Portland|Member||N|2023-09-02
Leïla|Benali|leila.benali@example.fr|Montréal|Drop-in||Y|2023-09-16
Mateo|Rossi||Portland|Prospect||-|2023-10-07
Nora|Lindqvist|nora.lindqvist@example.se|Salem|Member|Teacher Training+Morning Flow|Y|2023-10-21
Oliver|Grant|oliver.grant@example.com|Portland|Drop-in||Y|2023-11-04
Priya|Sharma|priya.sharma@example.com|Beaverton|Member|Corporate Wellness|Y|2023-11-18
Quinn|Murphy|quinn.murphy@example.com|Portland|Prospect||N|2023-12-02
Renée|Côté|renee.cote@example.ca|Trois-Rivières|Member|Morning Flow|Y|2023-12-16
Sam|Lee|sam.lee@example.com|Portland|Drop-in||-|2024-01-06
Tomás|Ó Súilleabháin|tomas.osuilleabhain@example.ie|Cork|Drop-in||Y|2024-01-20
Uma|Patel|uma.patel@example.com|Portland|Member|Teacher Training|Y|2024-02-03
Victor|Nguyễn|victor.nguyen@example.com|Portland|Member|Corporate Wellness|N|2024-02-17
Wren|Adeyemi|wren.adeyemi@example.com|Milwaukie|Prospect||-|2024-03-02
Xavier|Müller|xavier.muller@example.ch|Zürich|Drop-in||Y|2024-03-16
Yasmin|El-Amin|yasmin.ea@example.com|Portland|Member|Morning Flow+Corporate Wellness|Y|2024-04-06
Zack|Brennan|zack.brennan@example.com|Gresham|Drop-in||N|2024-04-20
Anaïs|Lefèvre|anais.lefevre@example.fr|Paris|Prospect||Y|2024-05-04
Bjørn|Halvorsen|bjorn.halvorsen@example.no|Portland|Member|Teacher Training|Y|2024-05-18
Carmen|Vega||Salem|Drop-in||N|2024-06-01
Dmitri|Sokolov|dmitri.sokolov@example.com|Portland|Prospect||-|2024-06-15
Elif|Yılmaz|elif.yilmaz@example.com|Portland|Member|Morning Flow|Y|2024-07-06
Felix|Baptiste|felix.baptiste@example.com|Hillsboro|Drop-in|Corporate Wellness|Y|2024-07-20
Gwen|Morgan|gwen.morgan@example.com|Portland|Member||-|2024-08-03
Hugo|Fernández|hugo.f@example.es|Portland|Member|Teacher Training+Corporate Wellness|Y|2024-08-17
"""
_SUBSCRIBED = {"Y": True, "N": False, "-": None}


def _parse(table: str) -> tuple[SampleClient, ...]:
    clients = []
    for line in table.strip().splitlines():
        first, last, email, city, kind, groups, subscribed, added = line.split("|")
        grouped = tuple(g for g in groups.split("+") if g)
        clients.append(
            SampleClient(first, last, email, city, kind, grouped, _SUBSCRIBED[subscribed], added)
        )
    return tuple(clients)


SAMPLE_CLIENTS = _parse(_TABLE)


def _day(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d").replace(hour=15, tzinfo=UTC)


def seed_samples(emulator: WellnessLivingEmulator) -> None:
    """Add the sample applications, businesses, staff and clients (once: a second call adds
    nothing, so the sandbox keeps its changes between launches)."""
    emulator.register_application(APPLICATION_ID, APPLICATION_SECRET)
    emulator.register_application(STAGING_APPLICATION_ID, STAGING_APPLICATION_SECRET, staging=True)
    emulator.add_business(BUSINESS_KEY, BUSINESS_NAME, region=US_EAST_1)
    emulator.add_business(AU_BUSINESS_KEY, AU_BUSINESS_NAME, region=AP_SOUTHEAST_2)
    emulator.add_business(STAGING_BUSINESS_KEY, STAGING_BUSINESS_NAME, staging=True)
    emulator.add_staff(BUSINESS_KEY, STAFF_LOGIN, STAFF_PASSWORD, first="Lena", last="Park")
    emulator.add_staff(AU_BUSINESS_KEY, AU_STAFF_LOGIN, AU_STAFF_PASSWORD, first="Mia")
    emulator.add_staff(STAGING_BUSINESS_KEY, STAGING_STAFF_LOGIN, STAGING_STAFF_PASSWORD)
    emulator.add_client_type(BUSINESS_KEY, PROSPECT, is_prospect=True)
    if emulator.client_uids(BUSINESS_KEY, active_only=False):
        return
    for number, sample in enumerate(SAMPLE_CLIENTS, start=1):
        emulator.add_client(
            BUSINESS_KEY,
            sample.first,
            sample.last,
            sample.email,
            city=sample.city,
            client_type=sample.client_type,
            groups=sample.groups,
            subscribed=sample.subscribed,
            added=_day(sample.added),
            member=f"LP-{number:04d}",
        )
    emulator.add_client(AU_BUSINESS_KEY, "Kylie", "Walsh", "kylie.walsh@example.au", city="Bondi")
    emulator.add_client(
        STAGING_BUSINESS_KEY, "Test", "Client", "test.client@example.com", subscribed=True
    )


# The "All Clients" export as the sample writes it. No public copy of WellnessLiving's own
# export headers was found; these follow the report's columns and are a made-up fixture.
EXPORT_HEADERS = (
    "Member ID",
    "First Name",
    "Last Name",
    "Email",
    "City",
    "Client Type",
    "Client Groups",
    "Client Since",
    "Email: News and Updates",
)


def write_all_clients_export(path: Path) -> Path:
    """Write the sample clients as an "All Clients" CSV export (UTF-8 with a BOM, as
    spreadsheet exports often are); the consent column says Yes, No or nothing."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(EXPORT_HEADERS)
        for number, c in enumerate(SAMPLE_CLIENTS, start=1):
            consent = "" if c.subscribed is None else ("Yes" if c.subscribed else "No")
            since = datetime.strptime(c.added, "%Y-%m-%d").strftime("%m/%d/%Y")
            out.writerow(
                [
                    f"LP-{number:04d}",
                    c.first,
                    c.last,
                    c.email,
                    c.city,
                    c.client_type,
                    ", ".join(c.groups),
                    since,
                    consent,
                ]
            )
    return Path(path)
