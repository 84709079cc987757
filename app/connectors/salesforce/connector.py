"""Salesforce as the registry sees it: how it connects, opens, and runs in the sandbox.

Connecting (``account.py``) signs in with the user's own consumer key in the browser, or
with a user name, password and security token; the form in ``app/ui/services/salesforce``
asks which, and explains how to get a consumer key. A profile reads one object type
(Contacts, Leads or Person Accounts), optionally only the members of some campaigns, each
of which becomes a Constant Contact list.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from app.connectors.connector import (
    Connector,
    ConnectorHost,
    ConnectRequest,
    OpenRequest,
    SandboxSpec,
    connection_for,
)
from app.connectors.salesforce import account
from app.connectors.salesforce.account import KIND, client
from app.connectors.salesforce.campaigns import Campaign, list_campaigns
from app.connectors.salesforce.endpoints import (
    CLIENT_ID_ENV,
    LOGIN_URL_ENV,
    SalesforceUrls,
    login_urls,
    salesforce_urls,
)
from app.connectors.salesforce.objects import TYPE_WORDS, Field, ObjectType
from app.connectors.salesforce.settings import SalesforceSourceSettings
from app.connectors.salesforce.source import SalesforceSource
from app.connectors.salesforce.wire import SERVICE
from app.core.filters import FilterGroup
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile

LABEL = SERVICE
SAMPLE_PROFILE = "Salesforce contacts → Newsletter"
SAMPLE_LIST = "Newsletter"
OPT_OUT_NOTE = (
    "In Salesforce, a record whose “Email Opt Out” box is ticked (HasOptedOutOfEmail) counts "
    "as opted out."
)


def open_source(host: ConnectorHost, request: OpenRequest) -> SalesforceSource:
    """The Salesforce source of a profile (``settings["connection_id"]``, else the first)."""
    conn = connection_for(
        host,
        KIND,
        request.settings,
        "Connect to Salesforce first: this profile reads its records from Salesforce.",
    )
    choices = SalesforceSourceSettings.from_settings(request.settings)
    name = account.account_name(conn.settings)
    words = TYPE_WORDS[choices.object_type].lower()
    return SalesforceSource(client(host, conn.id), choices, label=f"{SERVICE} {words} ({name})")


def campaigns(host: ConnectorHost, connection_id: int) -> list[Campaign]:
    """The org's campaigns with their member counts (for the wizard's choice)."""
    with client(host, connection_id, remember_usage=True) as c:
        return list_campaigns(c)


def campaign_member_fields(host: ConnectorHost, connection_id: int) -> list[Field]:
    """The Campaign Member fields event registrants' details can go to (ones this user may
    create and update, custom ones first), for the wizard's step 4."""
    with client(host, connection_id, remember_usage=True) as c:
        described = c.describe("CampaignMember")
    found = [Field.from_describe(d) for d in described.get("fields") or ()]
    usable = [f for f in found if f.createable and f.updateable and f.name != "Status"]
    usable = [f for f in usable if f.type not in ("reference", "id")]
    return sorted(usable, key=lambda f: (not f.custom, f.label.casefold()))


def describe(settings: Mapping[str, Any]) -> str:
    """ "Salesforce contacts", "Salesforce leads (2 campaigns)"."""
    choices = SalesforceSourceSettings.from_settings(settings)
    words = f"{SERVICE} {TYPE_WORDS[choices.object_type].lower()}"
    count = len(choices.campaigns)
    if count:
        words += f" ({count} campaign{'s' if count != 1 else ''})"
    return words


# -- the sandbox -------------------------------------------------------------------------------


def _emulator_urls(emulator: Any) -> SalesforceUrls:
    return login_urls(str(emulator.login_url), str(emulator.test_url))


def _env_urls() -> SalesforceUrls | None:
    address = os.environ.get(LOGIN_URL_ENV, "").strip()
    return login_urls(address) if address else None


def _prepare_sandbox(
    host: ConnectorHost, cc_connection_id: int, samples: Path, with_samples: bool
) -> Sequence[SyncProfile]:
    """Connect to the practice org (again each launch: the sandbox's keyring is memory
    only); on first use, the sample profile."""
    conns = host.connections_of(KIND)
    conn = conns[0] if conns else None
    if conn is not None and host.secrets.load_token(conn.id) is not None:
        return ()
    if conn is None and not with_samples:
        return ()
    conn = account.connect(
        host, ConnectRequest("Sandbox Salesforce", connection_id=conn.id if conn else None)
    )
    if not with_samples or conns:
        return ()
    return (sample_profile(host, conn.id, cc_connection_id),)


def sample_profile(
    host: ConnectorHost, sf_connection_id: int, cc_connection_id: int
) -> SyncProfile:
    """The Salesforce sample profile: the contacts of the practice org's campaigns into
    "Newsletter", each campaign also a Constant Contact list of its own; opted-out contacts
    are unsubscribed, and a Constant Contact unsubscribe ticks Email Opt Out."""
    with client(host, sf_connection_id) as c:
        found = [x for x in list_campaigns(c) if x.contacts]
    choices = SalesforceSourceSettings(ObjectType.CONTACT, tuple(x.campaign_id for x in found))
    settings = {
        "connection_id": sf_connection_id,
        **choices.to_settings(),
        "list_map": {x.campaign_id: x.name for x in found},
    }
    source = open_source(host, OpenRequest(settings))
    with source.client:
        columns = source.columns()
    return SyncProfile(
        name=SAMPLE_PROFILE,
        source=SourceSpec(KIND, settings),
        main_list=SAMPLE_LIST,
        connection_id=cc_connection_id,
        options=SyncOptions(
            opt_out_handling=OptOutHandling.UNSUBSCRIBE,
            optout_to_source=True,
            import_from_cc=False,
        ),
        mapping=host.suggest_mapping(columns),
        filters=FilterGroup(),
    )


def sample_connection() -> dict[str, str]:
    """What the sandbox's practice org signs in with (its emulator's own values)."""
    found: dict[str, str] = importlib.import_module("app.sandbox.salesforce").sample_connection()
    return found


def _bench(handle: Any, contacts: int) -> Mapping[str, Any]:
    """``sandbox bench --scenario salesforce`` (imported when run: ``bench``)."""
    found: Mapping[str, Any] = importlib.import_module("app.connectors.salesforce.bench").bench(
        handle, contacts
    )
    return found


CONNECTOR = Connector(
    kind=KIND,
    label=LABEL,
    name=LABEL,
    capabilities=SalesforceSource.capabilities,
    open_source=open_source,
    describe=describe,
    connect=account.connect,
    urls=salesforce_urls,
    client_id=lambda: os.environ.get(CLIENT_ID_ENV, ""),
    panel="app.ui.services.salesforce",
    opt_out_note=OPT_OUT_NOTE,
    sandbox=SandboxSpec(
        emulator="app.sandbox.salesforce:start_sandbox",
        emulator_urls=_emulator_urls,
        env_urls=_env_urls,
        env_names=(LOGIN_URL_ENV,),
        prepare=_prepare_sandbox,
        bench=_bench,
    ),
)
