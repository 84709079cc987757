"""Field mapping: which source column feeds which Constant Contact field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldMap:
    """One source column mapped to one Constant Contact field key (see ``core.fields``)."""

    source: str
    target: str


@dataclass(frozen=True)
class FieldMapping:
    """An ordered set of column → field pairs. Each target appears at most once."""

    fields: tuple[FieldMap, ...] = ()

    @classmethod
    def of(cls, pairs: Mapping[str, str]) -> FieldMapping:
        """Build from ``{source column: target key}``."""
        return cls(tuple(FieldMap(s, t) for s, t in pairs.items() if t))

    def source_for(self, target: str) -> str | None:
        for f in self.fields:
            if f.target == target:
                return f.source
        return None

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(f.target for f in self.fields)

    def as_dict(self) -> dict[str, str]:
        return {f.source: f.target for f in self.fields}

    def apply(self, values: Mapping[str, str]) -> dict[str, str]:
        """Map raw source values to target field values; blank values are dropped."""
        out: dict[str, str] = {}
        for f in self.fields:
            v = values.get(f.source)
            if v is not None:
                v = v.strip()
                if v:
                    out[f.target] = v
        return out
