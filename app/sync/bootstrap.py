"""Opens ContactBridge's service for real use or for the sandbox, for the GUI and the CLI alike.

Sandbox mode uses its own home folder, starts the Constant Contact emulator in-process (unless
``CONTACTBRIDGE_CC_API_URL`` and ``CONTACTBRIDGE_CC_AUTH_URL`` point elsewhere), and on first
use creates sample data and a sample profile, so a newcomer can press Sync Now at once.
Every other service in the registry with an emulator runs in-process beside it (unless its
connector's environment variables name one elsewhere), with its sample data and profiles.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import urllib.error
import webbrowser
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import __version__, paths
from app.connectors import registry
from app.connectors.connector import Connector
from app.connectors.endpoints import ServiceUrls, constant_contact_urls
from app.core.errors import NetworkError, RemoteError
from app.core.filters import FilterGroup
from app.core.profiles import SyncOptions, SyncProfile
from app.core.store_types import Connection
from app.file_modes import private_dir
from app.sandbox.constant_contact import (
    ConstantContactEmulator,
    seed_sample_campaigns,
    seed_sample_events,
)
from app.sandbox.process import EmulatorProcess
from app.sandbox.samples import (
    EXISTING,
    SAMPLE_FILE_NAME,
    SAMPLE_LIST_NAME,
    SAMPLE_PROFILE_NAME,
    write_sample_csv,
)
from app.secrets.store import SecretStore
from app.store.db import close_database, open_database
from app.sync import log_file
from app.sync.sandbox_browser import approve_in_sandbox
from app.sync.service import ContactBridgeService

log = logging.getLogger(__name__)

SANDBOX_CLIENT_ID = "contactbridge-sandbox"
ENV_API = "CONTACTBRIDGE_CC_API_URL"
ENV_AUTH = "CONTACTBRIDGE_CC_AUTH_URL"
ENV_CLIENT_ID = "CONTACTBRIDGE_CC_CLIENT_ID"


@dataclass
class ServiceHandle:
    """An open service and what must be closed with it."""

    home: Path
    service: ContactBridgeService = field(init=False)  # set once the emulators it uses run
    emulator: ConstantContactEmulator | None = None
    emulator_process: EmulatorProcess | None = None
    emulators: dict[str, Any] = field(default_factory=dict)  # other services', by kind
    sample_csv: Path | None = None
    log_path: Path | None = None  # the log file being written
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None
        if self.emulator_process is not None:
            self.emulator_process.stop()
            self.emulator_process = None
        for emulator in self.emulators.values():
            emulator.stop()
        self.emulators.clear()
        close_database()
        log_file.uninstall()


def open_service(
    sandbox: bool = False,
    home: Path | None = None,
    *,
    enforce_limits: bool = True,
    with_samples: bool = True,
    emulator_process: bool = False,
) -> ServiceHandle:
    """Open the database, the keyring and (in the sandbox) the emulator.

    Args:
        sandbox: run against the built-in emulator with sample data.
        home: the data folder; defaults to ``CONTACTBRIDGE_HOME`` or the platform's.
        enforce_limits: the emulator enforces Constant Contact's real rate limits.
        with_samples: create the sample file, contacts and profile on first use.
        emulator_process: run the emulator in a child process, as the desktop app does, so
            its work never competes with the window (tests keep it in-process to inject
            faults).
    """
    explicit_home = sandbox or home is not None
    if home is None and sandbox:
        home = (
            Path(os.environ["CONTACTBRIDGE_HOME"])
            if os.environ.get("CONTACTBRIDGE_HOME")
            else paths.default_sandbox_home()
        )
    elif home is None:
        home = paths.app_home()
    private_dir(home)  # holds every customer's name and email: owner-only
    log_path = log_file.install(home if explicit_home else None)
    log.info("ContactBridge %s opening %s%s", __version__, home, " (sandbox)" if sandbox else "")
    open_database(home / "contactbridge.sqlite3")
    secrets = SecretStore.open(memory=sandbox)
    handle = ServiceHandle(home=home, log_path=log_path)
    if not secrets.is_secure and not sandbox:
        handle.notices.append(secrets.warning)

    env_urls = _env_urls()
    state = home / "emulator" / "constant-contact.sqlite3"
    if sandbox and env_urls is None:
        if emulator_process:
            if with_samples and not state.exists():  # first use: seed before it serves
                seeder = ConstantContactEmulator(state)
                try:
                    _seed_existing_contacts(seeder)
                finally:
                    seeder.stop()
            handle.emulator_process = EmulatorProcess(state, enforce_limits=enforce_limits)
            handle.emulator_process.start()
        else:
            handle.emulator = ConstantContactEmulator(state, enforce_limits=enforce_limits)
            handle.emulator.start()
    # The other services' emulators run in-process: they are small, their limits per minute.
    sandbox_urls: dict[str, Any] = {}
    if sandbox:
        try:
            for connector in registry.CONNECTORS:
                urls = _start_emulator(handle, connector, enforce_limits, with_samples)
                if urls is not None:
                    sandbox_urls[connector.kind] = urls
        except BaseException:
            handle.close()
            raise

    def source_urls(kind: str, conn: Connection) -> Any:
        if conn.settings.get("sandbox") and kind in sandbox_urls:
            return sandbox_urls[kind]
        return registry.connector(kind).urls(conn.settings)

    def urls_for(conn: Connection) -> ServiceUrls:
        if conn.settings.get("sandbox"):
            if env_urls is not None:
                return env_urls
            running = handle.emulator or handle.emulator_process
            assert running is not None
            return ServiceUrls(running.api_url, running.auth_url)
        return constant_contact_urls(conn.settings)

    handle.service = ContactBridgeService(
        home,
        secrets,
        urls_for=urls_for,
        open_browser=approve_in_sandbox if sandbox else webbrowser.open,
        client_id=SANDBOX_CLIENT_ID if sandbox else os.environ.get(ENV_CLIENT_ID, ""),
        sandbox=sandbox,
        source_urls=source_urls,
        source_client_id=(lambda kind: SANDBOX_CLIENT_ID) if sandbox else None,
    )
    if sandbox:
        try:
            _prepare_sandbox(handle, with_samples)
        except BaseException:
            handle.close()
            raise
    return handle


def _env_urls() -> ServiceUrls | None:
    api, auth = os.environ.get(ENV_API), os.environ.get(ENV_AUTH)
    if api and auth:
        return ServiceUrls(api.rstrip("/"), auth.rstrip("/"))
    return None


@contextlib.contextmanager
def _env_emulator_answers(
    service: str, variables: tuple[str, ...], how_to_start: str
) -> Iterator[None]:
    """Turn "nothing answers" at an emulator named by environment variables into a message
    naming them and their URLs (when the variables are not both set, the emulator is the
    sandbox's own and any failure is a bug, left as it is)."""
    urls = {name: os.environ.get(name, "") for name in variables}
    if not urls or not all(urls.values()):
        yield
        return
    try:
        yield
    except (OSError, NetworkError, RemoteError) as exc:
        where = " and ".join(f"{name}={url}" for name, url in urls.items())
        start = f" ({how_to_start})" if how_to_start else ""
        raise NetworkError(
            f"Sandbox mode uses the {service} emulator at {where}, but it does not answer "
            f"({_why(exc)}). Start that emulator{start}, or unset {' and '.join(urls)} to "
            "use the sandbox's own.",
            details=f"{type(exc).__name__}: {exc}",
        ) from exc


def _why(exc: BaseException) -> str:
    """What went wrong reaching a URL, in a few words."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"it answered HTTP {exc.code} {exc.reason}"
    if isinstance(exc, RemoteError):
        return f"it answered HTTP {exc.status}" if exc.status else exc.message
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    if isinstance(reason, NetworkError):
        return "no connection"
    return str(reason) or type(reason).__name__


def _prepare_sandbox(handle: ServiceHandle, with_samples: bool) -> None:
    """Connect to the emulator (again: tokens live only in memory) and create the samples."""
    service = handle.service
    conn = service.connections.default_connection()
    first_use = conn is None
    if first_use and with_samples and handle.emulator is not None:
        _seed_existing_contacts(handle.emulator)
    if conn is None or service.secrets.load_token(conn.id) is None:
        start = "python main.py sandbox serve prints its URLs"
        with _env_emulator_answers("Constant Contact", (ENV_AUTH, ENV_API), start):
            conn = service.connections.connect_constant_contact(
                "Sandbox Constant Contact", connection_id=conn.id if conn else None
            )
    sample = handle.home / "samples" / SAMPLE_FILE_NAME
    if with_samples:
        if not sample.exists():
            write_sample_csv(sample)
        handle.sample_csv = sample
        if service.profiles.get_by_name(SAMPLE_PROFILE_NAME) is None and first_use:
            service.profiles.save(sample_profile(service, sample, conn.id))
    for connector in registry.CONNECTORS:
        with _env_emulator_answers(connector.label, connector.sandbox.env_names, ""):
            profiles = connector.sandbox.prepare(
                service.connections, conn.id, handle.home, with_samples
            )
        for profile in profiles:
            if service.profiles.get_by_name(profile.name) is None:
                service.profiles.save(profile)


def _start_emulator(
    handle: ServiceHandle, connector: Connector, enforce_limits: bool, with_samples: bool
) -> Any:
    """Start a service's emulator for the sandbox (unless the environment names one
    elsewhere); returns the URLs to use for it, or None when it has none."""
    spec = connector.sandbox
    env_urls = spec.env_urls()
    if env_urls is not None:
        return env_urls
    if not spec.emulator:
        return None
    module, _, name = spec.emulator.partition(":")
    start = getattr(importlib.import_module(module), name)
    state = handle.home / "emulator" / f"{connector.kind}.sqlite3"
    emulator = start(state, enforce_limits, with_samples)
    handle.emulators[connector.kind] = emulator
    return spec.emulator_urls(emulator)


def _seed_existing_contacts(emulator: ConstantContactEmulator) -> None:
    """The contacts a sample account already has (one of them unsubscribed), its list of
    regulars, the campaigns sent to it (the Stats page's sample data) and its events."""
    for contact in EXISTING:
        if emulator.get_contact(contact["email"]) is None:
            emulator.seed_contact(**contact)
    seed_sample_campaigns(emulator)
    seed_sample_events(emulator)


def sample_profile(
    service: ContactBridgeService, csv_path: Path, connection_id: int
) -> SyncProfile:
    """The sample profile: the bakery's customer file into the "Newsletter" list."""
    spec = registry.file_spec(csv_path, "Customer ID")
    columns, _ = service.profiles.preview_source(spec, 1)
    return SyncProfile(
        name=SAMPLE_PROFILE_NAME,
        source=spec,
        main_list=SAMPLE_LIST_NAME,
        connection_id=connection_id,
        options=SyncOptions(opt_out_column="Email Opt Out"),
        mapping=service.profiles.suggest_mapping(columns),
        filters=FilterGroup(),
    )
