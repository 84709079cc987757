"""On the sandbox: links keep the digest of the source values a push was made from, and links
kept before digests existed gain them on the next run, without one write to Constant Contact."""

from __future__ import annotations

from app.core.outcomes import RunStatus
from app.store import models as m
from app.sync.fingerprint import item_part, source_part
from tests.sync.conftest import IMPORT_KEY, Bakery

WRITES = ("POST /v3", "PUT /v3", "PATCH /v3", "DELETE /v3")


def kept(bakery: Bakery) -> dict[str, str]:
    """The profile's links' fingerprints, by source key."""
    query = m.Link.select(m.Link.source_key, m.Link.fingerprint).where(
        m.Link.profile == bakery.profile.id
    )
    return {key: fp for key, fp in query.tuples()}


def test_links_kept_without_digests_gain_them_and_a_change_is_still_sent(bakery: Bakery) -> None:
    first = bakery.run()
    pushed = kept(bakery)
    assert len(pushed) == first.counts.created + first.counts.updated
    assert all(source_part(fp) for fp in pushed.values())
    for key, fp in pushed.items():  # as an older version kept them: the item's alone
        m.Link.update(fingerprint=item_part(fp)).where(
            (m.Link.profile == bakery.profile.id) & (m.Link.source_key == key)
        ).execute()
    bakery.emulator.reset_counts()

    again = bakery.run()

    assert again.status is RunStatus.COMPLETED
    assert again.counts.unchanged == len(pushed)
    assert not [k for k in bakery.emulator.request_counts() if k.startswith(WRITES)]
    assert kept(bakery) == pushed  # the same items, each with its digest again

    bakery.edit("C0000010", Company="Tacoma Treats")
    bakery.emulator.reset_counts()
    third = bakery.run()

    assert (third.counts.updated, third.counts.unchanged) == (1, len(pushed) - 1)
    assert bakery.requests(IMPORT_KEY) == 1
    assert kept(bakery)["C0000010"] != pushed["C0000010"]
