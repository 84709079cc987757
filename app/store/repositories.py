"""The repositories, in one place: rows in, core dataclasses out."""

from app.store.campaign_pull_repo import CampaignPullRepository
from app.store.campaign_stats_repo import CampaignStatsRepository
from app.store.connections_repo import ConnectionRepository
from app.store.links_repo import LinkRepository
from app.store.mirror_repo import MirrorRepository
from app.store.profiles_repo import ProfileRepository
from app.store.runs_repo import RunRepository

__all__ = [
    "CampaignPullRepository",
    "CampaignStatsRepository",
    "ConnectionRepository",
    "LinkRepository",
    "MirrorRepository",
    "ProfileRepository",
    "RunRepository",
]
