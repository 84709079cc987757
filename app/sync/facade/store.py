"""The repositories the facade's concerns share: rows in SQLite, core dataclasses out."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.connectors import registry
from app.store.repositories import (
    CampaignPullRepository,
    CampaignStatsRepository,
    ConnectionRepository,
    LinkRepository,
    MirrorRepository,
    ProfileRepository,
    RunRepository,
)
from app.store.settings_repo import SettingsRepository


def _runs() -> RunRepository:
    return RunRepository(source_words=registry.source_words)


@dataclass(frozen=True)
class Store:
    """One of each repository, over the database the app opened (``app.store.db``).

    Attributes:
        profiles: the sync profiles.
        runs: runs, their checkpoints and per-record results.
        links: which source record is which Constant Contact contact, per profile.
        mirror: the local copy of each Constant Contact account's contacts and lists.
        connections: saved sign-ins (no secrets: those are in the keyring).
        settings: the app preferences.
        campaign_stats: campaign statistics as the window reads them.
        campaign_pull: what the statistics pull writes and resumes from.
    """

    profiles: ProfileRepository = field(default_factory=ProfileRepository)
    runs: RunRepository = field(default_factory=_runs)
    links: LinkRepository = field(default_factory=LinkRepository)
    mirror: MirrorRepository = field(default_factory=MirrorRepository)
    connections: ConnectionRepository = field(default_factory=ConnectionRepository)
    settings: SettingsRepository = field(default_factory=SettingsRepository)
    campaign_stats: CampaignStatsRepository = field(default_factory=CampaignStatsRepository)
    campaign_pull: CampaignPullRepository = field(default_factory=CampaignPullRepository)
