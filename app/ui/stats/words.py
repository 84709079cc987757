"""How campaign statistics read on screen: rates, send dates, what a person did."""

from __future__ import annotations

from datetime import datetime

from app.core.campaign_stats import ActivityEvent, CampaignSummary, PersonActivity
from app.ui.i18n import tr
from app.ui.wording import when_words

# Each tracking event kind as the people view says it (``EVENT_KINDS``' order).
KIND_WORDS: dict[str, str] = {
    "send": "Sent",
    "open": "Opened",
    "click": "Clicked a link",
    "forward": "Forwarded",
    "optout": "Unsubscribed",
    "bounce": "Bounced",
    "did_not_open": "Did not open",
}
# What each bounce code means (Constant Contact's codes; B is the hard bounce).
BOUNCE_WORDS: dict[str, str] = {
    "B": "address does not exist",
    "D": "undeliverable",
    "F": "mailbox full",
    "S": "suspended",
    "V": "vacation or auto-reply",
    "X": "other",
    "Z": "blocked",
}


def kind_words(kind: str) -> str:
    return tr(KIND_WORDS.get(kind, kind))


def rate_words(fraction: float) -> str:
    """A rate as people read it: "31.2 %" (one decimal; "0 %" for none)."""
    if fraction <= 0:
        return "0 %"
    return f"{fraction * 100:.1f} %"


def sent_words(sent_at: datetime | None) -> str:
    """When a campaign went out, in local time ("Today 09:30", "3 Mar 14:05"); a draft's
    "Not sent"."""
    if sent_at is None:
        return tr("Not sent")
    return when_words(sent_at.isoformat())


def event_time_words(at: datetime) -> str:
    return when_words(at.isoformat())


def time_key(at: datetime | None) -> float:
    """The number a time sorts by (never sent: before everything)."""
    return at.timestamp() if at is not None else 0.0


def bounce_words(person: PersonActivity) -> str:
    """ "Yes — address does not exist (B)", or "" when the email did not bounce."""
    if not person.bounced:
        return ""
    code = person.bounce_code
    if not code:
        return tr("Yes")
    meaning = BOUNCE_WORDS.get(code.upper())
    if meaning is None:
        return tr("Yes (%1)").replace("%1", code)
    return tr("Yes — %1 (%2)").replace("%1", tr(meaning)).replace("%2", code)


def source_words(person: PersonActivity) -> str:
    """The source record a profile linked to this contact, or "" when none did."""
    if not person.source_label and not person.source_key:
        return ""
    if person.source_label and person.source_key:
        return f"{person.source_key} · {person.source_label}"
    return person.source_label or person.source_key or ""


def campaign_line(campaign: CampaignSummary) -> str:
    """One line under a campaign's name: when it went out, and to how many."""
    if campaign.sent_at is None:
        return tr("Not sent yet (%1)").replace("%1", campaign.status or tr("draft"))
    return (
        tr("Sent %1 to %2 people · %3")
        .replace("%1", sent_words(campaign.sent_at))
        .replace("%2", f"{campaign.sends:,}")
        .replace("%3", campaign.status)
    )


def person_summary(events: list[ActivityEvent]) -> str:
    """What one person did across campaigns, in a sentence of counts ("Received 3 campaigns ·
    opened 3 · clicked a link in 2"). Plurals are spelt out: no translation is installed to
    turn Qt's "%n campaign(s)" into English."""
    if not events:
        return tr("No campaign activity for this email yet.")

    def campaigns(kind: str) -> int:
        return len({e.campaign_id for e in events if e.kind == kind})

    received = len({e.campaign_id for e in events if e.kind in ("send", "did_not_open")})
    received = max(received, len({e.campaign_id for e in events}))
    parts = [
        tr("Received 1 campaign")
        if received == 1
        else tr("Received %1 campaigns").replace("%1", f"{received:,}")
    ]
    for kind, words in (
        ("open", "opened %n"),
        ("click", "clicked a link in %n"),
        ("forward", "forwarded %n"),
    ):
        count = campaigns(kind)
        if count:
            parts.append(tr(words, n=count))
    optouts = [e for e in events if e.kind == "optout"]
    if optouts:
        first = min(optouts, key=lambda e: e.at)
        parts.append(tr("unsubscribed %1").replace("%1", event_time_words(first.at)))
    if any(e.kind == "bounce" for e in events):
        bounces = sum(e.kind == "bounce" for e in events)
        parts.append(
            tr("bounced once")
            if bounces == 1
            else tr("bounced %1 times").replace("%1", str(bounces))
        )
    return " · ".join(parts)
