"""The repositories, in one place: rows in, core dataclasses out."""

from app.store.connections_repo import ConnectionRepository
from app.store.links_repo import LinkRepository
from app.store.mirror_repo import MirrorRepository
from app.store.profiles_repo import ProfileRepository
from app.store.runs_repo import RunRepository

__all__ = [
    "ConnectionRepository",
    "LinkRepository",
    "MirrorRepository",
    "ProfileRepository",
    "RunRepository",
]
