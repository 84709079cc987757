"""NeonCRM as the registry sees it: how it connects, opens, and runs in the sandbox.

Connecting takes no browser: the user types the org ID and the API key of a NeonCRM API user
(and says whether the org is a trial one), in ContactBridge's own form
(``ConnectRequest.options``). The connection is checked before anything is saved: Neon names
the org and the API user (``/properties/organizationProfile`` and ``currentSystemUser``),
which the connections manager then shows, as NeonCRM's setup page does. The key goes to the
keyring only (``host.secrets``); a reconnect with the key left blank keeps the saved one.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
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
from app.connectors.neoncrm import columns as c
from app.connectors.neoncrm.client import NeonClient
from app.connectors.neoncrm.hosts import (
    ENVIRONMENT_LABELS,
    REAL_ROOTS,
    URL_ENV,
    Environment,
    env_roots,
    root_for,
)
from app.connectors.neoncrm.linked_lists import LOCAL_SETTINGS
from app.connectors.neoncrm.settings import SECRET_KEYS, NeonConnection, NeonSourceSettings
from app.connectors.neoncrm.source import NeonSource
from app.core.errors import ConfigError, NeedsReconnect
from app.core.filters import FilterGroup
from app.core.profiles import (
    AmbiguousMatch,
    ImportScope,
    OptOutHandling,
    SourceSpec,
    SyncOptions,
    SyncProfile,
)
from app.core.store_types import Connection, ConnectionStatus

KIND = "neoncrm"
LABEL = "NeonCRM"
SAMPLE_PROFILE = "NeonCRM accounts → Newsletter"
SAMPLE_LIST = "Newsletter"
OPT_OUT_NOTE = (
    "In NeonCRM, an account whose Email 1 is opted out (Email Opt-Out: Yes), or whose email "
    "consent is Declined, counts as opted out. Organization accounts are never pushed, nor "
    "are accounts marked deceased or Do Not Contact."
)


# -- connecting --------------------------------------------------------------------------------


def _settings_of(options: Mapping[str, Any], saved: Mapping[str, Any]) -> dict[str, Any]:
    """The connection's settings: the form's answers over the saved ones (never the key)."""
    merged = {k: v for k, v in saved.items() if k not in SECRET_KEYS}
    merged.update({k: v for k, v in options.items() if k not in SECRET_KEYS and v is not None})
    return merged


def account_name(settings: Mapping[str, Any]) -> str:
    """``Maple Street Community Kitchen (maplestreet, trial)``: the org, its id, its host."""
    name = str(settings.get("org_name") or "").strip()
    org_id = str(settings.get("org_id") or "").strip()
    trial = str(settings.get("environment") or "") == Environment.TRIAL.value
    where = ", ".join(p for p in (org_id, "trial" if trial else "") if p)
    shown = name or (f"Org {org_id}" if org_id else LABEL)
    return f"{shown} ({where})" if where and name else shown


def owner_words(settings: Mapping[str, Any]) -> str:
    """ "API user Dana Whitfield (dana@…)": who ContactBridge acts as, as Neon's setup shows."""
    user = str(settings.get("user_name") or "").strip()
    email = str(settings.get("user_email") or "").strip()
    if not user and not email:
        return ""
    return f"API user {user} ({email})" if user and email else f"API user {user or email}"


def roots(host: ConnectorHost, conn: Connection) -> Any:
    return host.service_urls(KIND, conn)


def connect(host: ConnectorHost, request: ConnectRequest) -> Connection:
    """Check the org ID and API key with NeonCRM, then save the connection (key to the keyring).

    ``request.options``: ``environment`` (production or trial), ``org_id`` and the secret
    ``api_key``. Nothing is saved when the check fails.

    Raises:
        ConfigError: the org ID or key is missing, in plain words.
        AuthError: NeonCRM refused them, in its own words.
    """
    found = host.connection(request.connection_id) if request.connection_id else None
    if request.connection_id is not None and (found is None or found.service != KIND):
        raise ConfigError("That NeonCRM connection was removed. Connect again.")
    saved = found.settings if found is not None else {}
    settings = _settings_of(request.options, saved)
    neon = NeonConnection.from_settings(settings)
    kept = host.secrets.load_token(found.id) if found is not None else None
    api_key = str(request.options.get("api_key") or (kept or {}).get("api_key") or "")
    settings.update(neon.to_settings())
    settings["sandbox"] = host.sandbox
    trial = Connection(
        found.id if found else 0, KIND, request.label, "", ConnectionStatus.CONNECTED, settings
    )
    with NeonClient(
        root_for(neon.environment, roots(host, trial)), neon.org_id, api_key, stats=host.stats
    ) as neon_client:
        who = neon_client.whoami()
    settings.update(
        {
            "org_name": who.org_name,
            "user_name": who.user_name,
            "user_email": who.user_email,
            "app_url": who.app_url,
        }
    )
    if found is None:
        found = host.create_connection(KIND, request.label, settings)
    host.secrets.save_token(found.id, {"api_key": api_key})
    return host.save_connection(
        found.id, status="connected", account_name=account_name(settings), settings=settings
    )


def _saved_key(host: ConnectorHost, conn: Connection) -> str:
    token = host.secrets.load_token(conn.id)
    if not token or not token.get("api_key"):
        raise NeedsReconnect(
            "Connect to NeonCRM again: enter the API key (ContactBridge keeps it in your "
            "system's keyring only)."
        )
    return str(token["api_key"])


def open_client(host: ConnectorHost, conn: Connection) -> NeonClient:
    neon = NeonConnection.from_settings(conn.settings)
    return NeonClient(
        root_for(neon.environment, roots(host, conn)),
        neon.org_id,
        _saved_key(host, conn),
        stats=host.stats,
    )


def client(host: ConnectorHost, connection_id: int) -> NeonClient:
    """A client for a saved connection (the screens' searches, fields and accounts).

    Raises:
        ConfigError: the connection was removed.
        NeedsReconnect: the keyring no longer holds its key.
    """
    conn = host.connection(connection_id)
    if conn is None or conn.service != KIND:
        raise ConfigError("This profile's NeonCRM connection was removed. Connect again.")
    return open_client(host, conn)


def open_source(host: ConnectorHost, request: OpenRequest) -> NeonSource:
    """The NeonCRM source of a profile (``settings["connection_id"]``, else the first
    connection), with the profile's criteria and Additional Contact Fields."""
    conn = connection_for(
        host,
        KIND,
        request.settings,
        "Connect to NeonCRM first: this profile reads its accounts from NeonCRM.",
    )
    chosen = NeonSourceSettings.from_settings(request.settings)
    return NeonSource(
        open_client(host, conn), criteria=chosen.criteria, extras=chosen.extras, label=LABEL
    )


def describe(settings: Mapping[str, Any]) -> str:
    """ "NeonCRM", or "NeonCRM (2 search criteria)" when the profile narrows the accounts."""
    count = len(settings.get("criteria") or ())
    if count:
        return f"{LABEL} ({count} search criteri{'on' if count == 1 else 'a'})"
    return LABEL


def environment_words(settings: Mapping[str, Any]) -> str:
    try:
        return ENVIRONMENT_LABELS[Environment(str(settings.get("environment") or "production"))]
    except ValueError:
        return str(settings.get("environment") or "")


# -- profiles ------------------------------------------------------------------------------------


def neon_options(base: SyncOptions | None = None) -> SyncOptions:
    """NeonCRM's settings as its own integration starts them: unsubscribes both ways, a
    resubscribe clears the NeonCRM opt-out, resynced every 30 minutes while only a push
    sends contact data; imports off until the user turns them on."""
    return replace(
        base or SyncOptions(),
        opt_out_handling=OptOutHandling.UNSUBSCRIBE,
        optout_to_source=True,
        clear_optout_on_resubscribe=True,
        import_updates_existing=False,
        import_scope=ImportScope.ALL_ACTIVE,
        scheduled_optouts_only=True,
        poll_minutes=30,
    )


def sample_profile(neon_connection_id: int, cc_connection_id: int) -> SyncProfile:
    """The NeonCRM sample profile: individual accounts into "Newsletter", the fixed standard
    mapping, with imports from Constant Contact turned on (several matches: ignored).

    It maps no custom field, so the sandbox's Constant Contact account keeps only its own:
    the Source mark and Additional Contact Fields are a choice in Push Settings, which makes
    the custom fields they fill."""
    choices = NeonSourceSettings(mark_source=False)
    options = replace(neon_options(), import_from_cc=True, import_ambiguous=AmbiguousMatch.SKIP)
    return SyncProfile(
        name=SAMPLE_PROFILE,
        source=SourceSpec(KIND, {"connection_id": neon_connection_id, **choices.to_settings()}),
        main_list=SAMPLE_LIST,
        connection_id=cc_connection_id,
        options=options,
        mapping=c.push_mapping(choices.extras, mark_source=choices.mark_source),
        filters=FilterGroup(),
    )


# -- the sandbox -------------------------------------------------------------------------------


def _sandbox() -> Any:
    """The sandbox's NeonCRM (imported by name, as its emulator is)."""
    return importlib.import_module("app.sandbox.neoncrm")


def _prepare_sandbox(
    host: ConnectorHost, cc_connection_id: int, samples: Path, with_samples: bool
) -> Sequence[SyncProfile]:
    """Connect to the sample nonprofit (again each launch: the sandbox's keyring is memory
    only); on first use, the sample profile "NeonCRM accounts → Newsletter"."""
    conns = host.connections_of(KIND)
    conn = conns[0] if conns else None
    if conn is not None and host.secrets.load_token(conn.id) is not None:
        return ()
    if conn is None and not with_samples:
        return ()
    options: dict[str, str] = _sandbox().sample_connection()
    conn = connect(
        host,
        ConnectRequest(LABEL, connection_id=conn.id if conn else None, options=options),
    )
    if not with_samples or conns:
        return ()
    return (sample_profile(conn.id, cc_connection_id),)


CONNECTOR = Connector(
    kind=KIND,
    label=LABEL,
    name=LABEL,
    capabilities=NeonSource.capabilities,
    open_source=open_source,
    describe=describe,
    connect=connect,
    urls=lambda settings: dict(REAL_ROOTS),
    panel="app.ui.services.neoncrm",
    opt_out_note=OPT_OUT_NOTE,
    local_settings=LOCAL_SETTINGS,
    sandbox=SandboxSpec(
        emulator="app.sandbox.neoncrm:start_sandbox",
        emulator_urls=lambda emulator: {
            Environment.PRODUCTION.value: emulator.api_url,
            Environment.TRIAL.value: emulator.trial_url,
        },
        env_urls=env_roots,
        env_names=(URL_ENV,),
        prepare=_prepare_sandbox,
    ),
)


def offered_extras(neon_client: NeonClient) -> list[c.ExtraField]:
    """What Push Settings may offer: Middle Name, Individual Type, and the org's account and
    individual custom fields (an organization-only field is left out)."""
    custom: dict[str, str] = {}
    for field in neon_client.custom_fields("Account"):
        settings = field.get("accountSettings") or {}
        if str(settings.get("accountType") or "") == "Company":
            continue
        if str(field.get("status") or "ACTIVE").upper() not in ("ACTIVE", ""):
            continue
        custom[str(field.get("id"))] = str(field.get("displayName") or field.get("name") or "")
    return c.available_extras(custom)
