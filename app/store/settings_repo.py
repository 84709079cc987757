"""The app preferences of ``app.core.settings``, one row per declared key."""

from __future__ import annotations

from peewee import EXCLUDED

from app.core.settings import BY_KEY, Option, Preferences, T
from app.store import models as m
from app.store.convert import now_text, tuple_rows
from app.store.db import db

S = m.AppSetting


class SettingsRepository:
    """Reads and writes ``Preferences``. Only declared keys are stored; values as JSON."""

    def load(self) -> Preferences:
        """Every preference: stored values parsed, the rest at their defaults."""
        raw = {key: value for key, value in tuple_rows(S.select(S.key, S.value)) if key in BY_KEY}
        return Preferences.from_raw(raw)

    def save(self, prefs: Preferences) -> None:
        """Store every value (one transaction), so later default changes never move them."""
        now = now_text()
        rows = [{"key": k, "value": v, "updated_at": now} for k, v in prefs.dump().items()]
        with db.atomic():
            S.insert_many(rows).on_conflict(
                conflict_target=[S.key],
                update={S.value: EXCLUDED.value, S.updated_at: EXCLUDED.updated_at},
            ).execute()

    def get(self, option: Option[T]) -> T:
        row = S.select(S.value).where(S.key == option.key).tuples().first()
        return option.default if row is None else option.parse(row[0])

    def set(self, option: Option[T], value: T) -> None:
        self.save(self.load().with_value(option, value))

    def reset(self) -> None:
        """Forget every stored value: all preferences are back at their defaults."""
        S.delete().execute()
