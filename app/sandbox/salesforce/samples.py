"""The sandbox's sample org: "Bluebird Coffee Roasters", a small Portland roaster.

* 40 Contacts: wholesale buyers at 6 café and grocery accounts and a few individuals; 5 opted
  out of email, 3 without an email, 1 bounced; addresses in the US, Canada, Ireland (states
  in the picklists) and the UK and Germany (no states), some with none; names with accents.
* 5 Person Accounts (coffee-subscription customers, one opted out), so Contact queries also
  return 5 person contacts (``IsPersonAccount = true``): 45 in all.
* 15 Leads from the Coffee Expo and the website; 2 converted (to contacts that exist), 1
  opted out.
* 3 Campaigns with members: the "Spring Wholesale Newsletter" (contacts and leads, statuses
  Sent/Opened/Clicked/Responded), "Coffee Expo 2026" (leads, one of them converted since,
  with registration details) and "Holiday Gift Box Launch" (contacts).
* Custom fields: Contact ``Customer_Since__c`` (date), ``Loyalty_Tier__c`` (picklist),
  ``Favorite_Roast__c`` (text), on person accounts as ``…__pc``; Lead ``Interested_In__c``
  (picklist), ``Expo_Notes__c`` (text area); CampaignMember ``Email_Events__c`` (long text),
  ``Registration_Date__c``, ``Registration_Status__c``, ``Payment_Status__c``,
  ``Guest_Count__c``.

Sign-in (sandbox values the emulator issues to itself, not secrets): the production user
signs in on the login host, the sandbox user (``….uat``) on the test host; the External
Client App ``contactbridge-sandbox`` needs PKCE and no secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.sandbox.salesforce.emulator import SalesforceEmulator

ORG_NAME = "Bluebird Coffee Roasters"
CONSUMER_KEY = "contactbridge-sandbox"
CONSUMER_SECRET = "sandbox-consumer-secret"
USERNAME = "alex.rivera@bluebirdcoffee.example"
SANDBOX_USERNAME = "alex.rivera@bluebirdcoffee.example.uat"
PASSWORD = "sandbox-password"
SECURITY_TOKEN = "SandboxToken2026"
NEWSLETTER = "Spring Wholesale Newsletter"
EXPO = "Coffee Expo 2026"
HOLIDAY = "Holiday Gift Box Launch"
SEEDED = "samples_seeded"

ACCOUNTS = (
    "Driftwood Café",
    "Larch Street Grocery",
    "Morning Tide Bakery",
    "Northside Co-op",
    "Cedar & Salt Bistro",
    "Harbourview Hotel",
)


@dataclass(frozen=True)
class SampleContact:
    first: str
    last: str
    email: str
    account: int | None  # index into ACCOUNTS
    city: str
    state: str  # state code ("" none)
    country: str  # country code ("" none)
    opted_out: bool
    tier: str
    since: str


# first | last | email | account | city | state | country | opted out | tier | customer since
_CONTACTS = """
Maya|Chen|maya.chen@driftwoodcafe.example|0|Portland|OR|US|N|Gold|2021-03-01
Zoë|Ångström|zoe@driftwoodcafe.example|0|Portland|OR|US|N|Gold|2021-03-01
José|Núñez|jose.nunez@larchgrocery.example|1|Portland|OR|US|N|Silver|2022-05-12
Priya|Raman|priya@larchgrocery.example|1|Beaverton|OR|US|Y|Silver|2022-05-12
Grace|O'Neill|grace@morningtide.example|2|Seattle|WA|US|N|Bronze|2023-01-20
Tomás|Herrera|tomas@morningtide.example|2|Seattle|WA|US|N|Bronze|2023-01-20
Ben|Whitaker||2|Seattle|WA|US|N|Bronze|2023-01-20
Amara|Okafor|amara.okafor@northsidecoop.example|3|Portland|OR|US|N|Gold|2020-11-02
Łukasz|Wójcik|lukasz@northsidecoop.example|3|Portland|OR|US|N|Gold|2020-11-02
Fatima|Haddad|fatima@northsidecoop.example|3|Vancouver|WA|US|Y|Gold|2020-11-02
Chloé|Dubois|chloe@cedarsalt.example|4|Vancouver|BC|CA|N|Silver|2022-09-15
François|Lévesque|francois@cedarsalt.example|4|Montréal|QC|CA|N|Silver|2022-09-15
Hannah|Schmidt|hannah.schmidt@harbourview.example|5|Berlin||DE|N|Bronze|2024-02-01
Siobhán|Ó Briain|siobhan@harbourview.example|5|Dublin|D|IE|N|Bronze|2024-02-01
Oliver|Bennett|oliver.bennett@harbourview.example|5|London||GB|Y|Bronze|2024-02-01
Diego|Ramírez|diego.ramirez@example.com||Austin|TX|US|N|Silver|2023-06-11
Emily|Nakamura|emily.n@example.com||Portland|OR|US|N|Bronze|2023-07-04
Ivan|Petrov|ivan.petrov@example.com||Portland|OR|US|N||
Jade|Thompson|jade.thompson@example.com||Tacoma|WA|US|N|Bronze|2024-03-18
Kenji|Watanabe|kenji.watanabe@example.com||San Francisco|CA|US|Y|Silver|2022-12-01
Leïla|Benali|leila.benali@example.fr||Paris||FR|N||
Mateo|Rossi||||||N||
Nora|Lindqvist|nora.lindqvist@example.se||Stockholm||SE|N|Bronze|2024-08-09
Owen|Murphy|owen.murphy@example.ie||Cork|CO|IE|N|Silver|2023-10-30
Paula|Silva|paula.silva@example.com||Eugene|OR|US|N||
Quinn|Foster|quinn.foster@example.com||Bend|OR|US|N|Bronze|2025-01-15
Rosa|García|rosa.garcia@example.com||Salem|OR|US|N|Gold|2021-08-21
Sven|Larsen|sven.larsen@example.com||Portland|OR|US|N||
Tariq|Aziz|tariq.aziz@example.com||Toronto|ON|CA|N|Bronze|2024-05-05
Uma|Krishnan|uma.krishnan@example.com||Portland|OR|US|Y|Silver|2022-02-14
Victor|Moreau|victor.moreau@example.com|||||N||
Wen|Li|wen.li@example.com||Vancouver|BC|CA|N|Bronze|2025-02-02
Ximena|Torres|ximena.torres@example.com||Portland|OR|US|N||
Yusuf|Demir|yusuf.demir@example.com||Seattle|WA|US|N|Silver|2023-04-27
Zara|Ahmed||||||N||
Noor|Haddad|noor.haddad@example.com||Portland|OR|US|N|Bronze|2025-04-10
Carlos|Mendes|carlos.mendes@example.com||Hillsboro|OR|US|N||
Ingrid|Berg|ingrid.berg@example.com||Gresham|OR|US|N|Bronze|2024-11-11
Hugo|Laurent|hugo.laurent@example.com||Lake Oswego|OR|US|N||
Aiko|Tanaka|aiko.tanaka@example.com||Tigard|OR|US|N|Gold|2020-06-30
"""

# first | last | email | company | status | source | opted out | interested in
_LEADS = """
Marcus|Webb|marcus.webb@example.com|Webb's Corner Store|Open - Not Contacted|Trade Show|N|Wholesale
Elena|Popescu|elena.popescu@example.com|Popescu Deli|Working - Contacted|Trade Show|N|Wholesale
Sam|Ortiz|sam.ortiz@example.com|Ortiz Food Truck|Open - Not Contacted|Trade Show|N|Wholesale
Lucy|Park|lucy.park@example.com|Park & Pour|Working - Contacted|Web|N|Subscription
Dmitri|Volkov|dmitri.volkov@example.com|Volkov Catering|Open - Not Contacted|Trade Show|Y|Wholesale
Hana|Kim|hana.kim@example.com|Individual|Open - Not Contacted|Web|N|Gifts
Olu|Adeyemi|olu.adeyemi@example.com|Adeyemi Events|Working - Contacted|Partner Referral|N|Wholesale
Rita|Costa|rita.costa@example.com|Costa Juice Bar|Closed - Not Converted|Trade Show|N|Wholesale
Felix|Wagner|felix.wagner@example.de|Wagner Bäckerei|Open - Not Contacted|Web|N|Wholesale
Ana|Souza||Souza Market|Open - Not Contacted|Trade Show|N|Wholesale
Jonas|Eriksson|jonas.eriksson@example.com|Individual|Open - Not Contacted|Web|N|Subscription
Mei|Wong|mei.wong@example.com|Wong Tea House|Working - Contacted|Trade Show|N|Wholesale
Pedro|Alves|pedro.alves@example.com|Alves Bakery|Open - Not Contacted|Trade Show|N|Gifts
Noor|Haddad|noor.haddad@example.com|Individual|Converted|Web|N|Subscription
Diego|Ramírez|diego.ramirez@example.com|Individual|Converted|Trade Show|N|Subscription
"""

# first | last | email | city | state | country | opted out | tier
_PEOPLE = """
Beatriz|Alves|beatriz.alves@example.com|Portland|OR|US|N|Gold
Theo|Grant|theo.grant@example.com|Seattle|WA|US|N|Silver
Ines|Fischer|ines.fischer@example.de|Munich||DE|Y|Bronze
Kofi|Mensah|kofi.mensah@example.com|Toronto|ON|CA|N|Bronze
Lara|Novak|lara.novak@example.com|Portland|OR|US|N|Silver
"""


def _rows(table: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("|")] for line in table.strip().splitlines()]


def _custom_fields(emulator: SalesforceEmulator) -> None:
    emulator.add_custom_field("Contact", "Customer_Since__c", "date", "Customer Since")
    emulator.add_custom_field(
        "Contact",
        "Loyalty_Tier__c",
        "picklist",
        "Loyalty Tier",
        picklist=("Bronze", "Silver", "Gold"),
    )
    emulator.add_custom_field("Contact", "Favorite_Roast__c", "string", "Favorite Roast", 80)
    emulator.add_custom_field(
        "Lead",
        "Interested_In__c",
        "picklist",
        "Interested In",
        picklist=("Wholesale", "Subscription", "Gifts"),
    )
    emulator.add_custom_field("Lead", "Expo_Notes__c", "textarea", "Expo Notes", 255)
    emulator.add_custom_field(
        "CampaignMember", "Email_Events__c", "textarea", "Email Events", 32000
    )
    emulator.add_custom_field("CampaignMember", "Registration_Date__c", "date", "Registration Date")
    emulator.add_custom_field(
        "CampaignMember", "Registration_Status__c", "string", "Registration Status", 40
    )
    emulator.add_custom_field("CampaignMember", "Payment_Status__c", "string", "Payment Status", 40)
    emulator.add_custom_field("CampaignMember", "Guest_Count__c", "double", "Guest Count")


def _address(prefix: str, city: str, state: str, country: str) -> dict[str, str]:
    out = {}
    if city:
        out[f"{prefix}City"] = city
    if country:
        out[f"{prefix}CountryCode"] = country
    if state:
        out[f"{prefix}StateCode"] = state
    return out


def seed_samples(emulator: SalesforceEmulator) -> None:
    """Seed the sample org once (a second call adds nothing, so changes made since stay)."""
    if emulator.org.setting(SEEDED):
        return
    emulator.add_user(
        USERNAME,
        PASSWORD,
        security_token=SECURITY_TOKEN,
        first="Alex",
        last="Rivera",
        email="alex.rivera@bluebirdcoffee.example",
    )
    emulator.add_user(
        SANDBOX_USERNAME,
        PASSWORD,
        security_token=SECURITY_TOKEN,
        host="test",
        first="Alex",
        last="Rivera",
        email="alex.rivera@bluebirdcoffee.example",
    )
    emulator.add_user("sam.ortiz@bluebirdcoffee.example", PASSWORD, first="Sam", last="Ortiz")
    emulator.set_sample_login("login", USERNAME, PASSWORD)
    emulator.set_sample_login("test", SANDBOX_USERNAME, PASSWORD)
    emulator.register_app(CONSUMER_KEY, secret=CONSUMER_SECRET)
    _custom_fields(emulator)

    accounts = [
        emulator.create(
            "Account",
            Name=name,
            Type="Customer",
            BillingCity="Portland",
            BillingCountryCode="US",
            BillingStateCode="OR",
        )
        for name in ACCOUNTS
    ]
    contacts: dict[str, str] = {}
    for first, last, email, account, city, state, country, out, tier, since in _rows(_CONTACTS):
        fields: dict[str, object] = {
            "FirstName": first,
            "LastName": last,
            "HasOptedOutOfEmail": out == "Y",
        }
        if email:
            fields["Email"] = email
        if account:
            fields["AccountId"] = accounts[int(account)]
        if tier:
            fields["Loyalty_Tier__c"] = tier
        if since:
            fields["Customer_Since__c"] = since
        fields.update(_address("Mailing", city, state, country))
        contacts[f"{first} {last}"] = emulator.create("Contact", **fields)
    bounced = contacts["Sven Larsen"]
    emulator.update(
        bounced,
        EmailBouncedReason="550 5.1.1 mailbox unavailable",
        EmailBouncedDate="2026-02-03T10:15:00.000+0000",
    )
    emulator.update(contacts["Maya Chen"], Favorite_Roast__c="Ethiopia Guji, light")

    for first, last, email, city, state, country, out, tier in _rows(_PEOPLE):
        emulator.create(
            "Account",
            RecordTypeId=emulator.person_record_type_id,
            FirstName=first,
            LastName=last,
            PersonEmail=email,
            PersonHasOptedOutOfEmail=out == "Y",
            Loyalty_Tier__pc=tier,
            **_address("PersonMailing", city, state, country),
        )

    leads: dict[str, str] = {}
    for first, last, email, company, status, source, out, interest in _rows(_LEADS):
        fields = {
            "FirstName": first,
            "LastName": last,
            "Company": company,
            "LeadSource": source,
            "HasOptedOutOfEmail": out == "Y",
            "Interested_In__c": interest,
        }
        if status != "Converted":
            fields["Status"] = status
        if email:
            fields["Email"] = email
        if source == "Trade Show":
            fields["Expo_Notes__c"] = "Met at the Coffee Expo booth; tasted the Guji."
        leads[f"{first} {last}"] = emulator.create("Lead", **fields)

    newsletter = emulator.create(
        "Campaign",
        Name=NEWSLETTER,
        Type="Email",
        Status="In Progress",
        IsActive=True,
        StartDate="2026-03-01",
    )
    expo = emulator.create(
        "Campaign",
        Name=EXPO,
        Type="Conference",
        Status="Completed",
        IsActive=False,
        StartDate="2026-02-12",
        EndDate="2026-02-14",
    )
    holiday = emulator.create(
        "Campaign",
        Name=HOLIDAY,
        Type="Email",
        Status="Planned",
        IsActive=True,
        StartDate="2026-11-15",
    )
    for order, (label, responded) in enumerate((("Opened", True), ("Clicked", True)), start=3):
        emulator.create(
            "CampaignMemberStatus",
            CampaignId=newsletter,
            Label=label,
            SortOrder=order,
            HasResponded=responded,
        )

    names = list(contacts)
    for index, name in enumerate(names[:20]):
        status = ("Sent", "Opened", "Clicked", "Sent")[index % 4]
        emulator.add_campaign_member(newsletter, contacts[name], status)
    for name in ("Lucy Park", "Mei Wong", "Olu Adeyemi"):
        emulator.add_campaign_member(newsletter, leads[name], "Sent")
    expo_people = (
        "Marcus Webb",
        "Elena Popescu",
        "Sam Ortiz",
        "Dmitri Volkov",
        "Rita Costa",
        "Ana Souza",
        "Mei Wong",
        "Diego Ramírez",
    )
    for index, name in enumerate(expo_people):
        emulator.add_campaign_member(
            expo,
            leads[name],
            "Responded" if index % 3 == 0 else "Sent",
            Registration_Date__c="2026-01-2" + str(index % 8),
            Registration_Status__c="Registered" if index % 4 else "Attended",
            Payment_Status__c="Paid" if index % 2 else "Complimentary",
            Guest_Count__c=index % 3,
        )
    for name in names[20:30]:
        emulator.add_campaign_member(holiday, contacts[name])

    # Two leads became customers after the expo; their contacts exist already.
    emulator.convert_lead(leads["Noor Haddad"], contacts["Noor Haddad"])
    emulator.convert_lead(leads["Diego Ramírez"], contacts["Diego Ramírez"])
    emulator.org.set_setting(SEEDED, "1")
