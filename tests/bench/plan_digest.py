"""Prints one digest of every record read and planned over varied files (not collected by pytest).

Usage: ``.venv/bin/python tests/bench/plan_digest.py [-v]``. For work on the planner's speed
that must not change any outcome: run it before and after, and the digest must be the same.
It reads a generated 5,000-row file full of odd values (phones, states and countries in many
spellings, odd and duplicate emails, over-long values, control characters, dates, "T.J."),
the sandbox sample file and a bench file, then plans each under several option sets and
filters: as a first push, and again against links and a mirror with edits, email changes,
opt-outs and unsubscribes, with and without the items last sent. ``-v`` counts the outcomes.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import random
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from anywhere

# After the path fix above.
from app.connectors.csv_file import FileSource
from app.core.filters import FilterGroup
from app.core.mapping import FieldMapping
from app.core.mapping_suggest import suggest_mapping
from app.core.profiles import OptOutHandling, SourceSpec, SyncOptions, SyncProfile
from app.core.transforms import CountryFormat, PhoneFormat, StateFormat
from app.sandbox.samples import write_contacts_csv, write_sample_csv
from app.sync.fingerprint import item_part, source_part
from app.sync.planner import Action, LinkInfo, PlanContext, Planner, RemoteInfo

HEADER = [
    "Customer ID",
    "First Name",
    "Last Name",
    "Email Address",
    "Company",
    "Phone",
    "Mobile",
    "Street",
    "City",
    "State",
    "Postal Code",
    "Country",
    "Work State",
    "Work Country",
    "Title",
    "Cake",
    "Month",
    "Day",
    "Wed",
    "Email Opt Out",
]
FIRST = ["Ada", "T.J.", "J.", "", "  Bob ", "\x1b[31mBob\x1b[0m", "Zoë", "Émile", "A" * 60]
FIRST += ["👩\u200d💼" * 20, "Ann\x00e", "..", "Dr. No", "O'Brien"]
LAST = ["Lovelace", "", "Smith", "B" * 55, "García", "Nguyễn", "x\x7fy"]
EMAILS = ["{f}{i}@example.com", "ANN{i}@EXAMPLE.COM", " spaced{i}@example.com ", "ann@"]
EMAILS += ["a{i}@x.com, b@y.com", "a{i}@x.com;b@y.com", "zoë{i}@example.com", "user{i}@bücher.de"]
EMAILS += ["user{i}@xn--bcher-kva.de", "u{i}@example.test", "", "x" * 70 + "{i}@example.com"]
EMAILS += ["dup@example.com", "Dup@Example.com", "a..b{i}@example.com", "{i}@localhost"]
EMAILS += ["ok{i}@sub.example.co.uk", "a{i}@-bad.com"]
PHONES = ["(503) 555-0101", "+44 20 7946 0958", "555-0101", "12345", "+1 800 FLOWERS"]
PHONES += ["503.555.0101", "", "0412 345 678", "+61 412 345 678", "1-503-555-0199"]
PHONES += ["(212) 555-{n:04d}", "+33 1 42 68 53 00", "020 7946 0958", "+1 (999) 555-0100", "abc"]
STATES = ["OR", "Oregon", "or", "IL", "Illinois", "WA", "NSW", "New South Wales", "ON"]
STATES += ["Ontario", "Bavaria", "BY", "XX", "", "Qc", "Texas ", "CA"]
COUNTRIES = ["United States", "US", "USA", "us", "Australia", "AU", "Canada", "CA", "Germany"]
COUNTRIES += ["DE", "Atlantis", "", "United Kingdom", "UK", "GB", "Deutschland", "México"]
MAPPING = FieldMapping.of(
    {
        "Email Address": "email",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Company": "company_name",
        "Phone": "phone",
        "Mobile": "mobile_phone",
        "Street": "street",
        "City": "city",
        "State": "state",
        "Postal Code": "zip",
        "Country": "country",
        "Work State": "cf:Work State",
        "Work Country": "cf:Region",
        "Title": "job_title",
        "Cake": "cf:Favourite Cake",
        "Month": "birthday_month",
        "Day": "birthday_day",
        "Wed": "anniversary",
    }
)
OPTIONS = [
    SyncOptions(),
    SyncOptions(
        state_format=StateFormat.NAME,
        country_format=CountryFormat.CODE,
        phone_format=PhoneFormat.E164,
        phone_region="US",
    ),
    SyncOptions(
        state_format=StateFormat.CODE,
        country_format=CountryFormat.NAME,
        phone_format=PhoneFormat.NATIONAL,
    ),
    SyncOptions(
        phone_format=PhoneFormat.INTERNATIONAL,
        phone_region="gb",
        unknown_for_blank_names=True,
        sync_addresses=False,
    ),
    SyncOptions(
        state_format=StateFormat.NAME,
        sync_phones=False,
        update_existing=False,
        opt_out_handling=OptOutHandling.UNSUBSCRIBE,
    ),
]
IN_PORTLAND = FilterGroup.from_dict(
    {"join": "all", "rules": [{"field": "City", "op": "equals", "value": "portland"}]}
)


def write_varied_csv(path: Path, rows: int) -> Path:
    rng = random.Random(42)

    def pick(values: list[str], first: float = 0.6) -> str:
        return values[0] if rng.random() < first else rng.choice(values)

    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            first = pick(FIRST)
            plain = "".join(c for c in first if c.isalnum()).lower() or "x"
            out.writerow(
                [
                    pick([f"C{i:06d}", f"C{i:06d}", "", f"C{i % 50:06d}"]),
                    first,
                    pick(LAST),
                    pick(EMAILS).format(f=plain, i=i),
                    pick(["", "Acme", "Acme & Co " * 8, "Caf\x01e"]),
                    pick(PHONES).format(n=i % 10000),
                    pick(PHONES).format(n=(i * 7) % 10000),
                    pick(["1 Main St", "", "S" * 300]),
                    pick(["Portland", "", "C" * 51]),
                    pick(STATES),
                    pick(COUNTRIES),
                    pick(STATES),
                    pick(COUNTRIES),
                    pick(["", "Baker", "T" * 49 + "👩\u200d💼 x"]),
                    pick(["", "Lemon", "L" * 260]),
                    pick(["", "2", "13", "June"], 0.93),
                    pick(["", "29", "30", "3"], 0.93),
                    pick(["", "2024-03-05", "2024-02-30", "June"], 0.93),
                    pick(["", "", "", "Yes", "no", "x"]),
                ]
            )
    return path


def after_first_push(first: list) -> tuple[dict, dict, dict]:
    """Links, mirror and items last sent, with edits, email changes, opt-outs and unsubscribes."""
    links, remote, sent = {}, {}, {}
    for n, p in enumerate(first):
        if p.action is Action.CREATE:
            item, fp = dict(p.item), p.fingerprint
            if n % 7 == 0:
                item, fp = {**item, "first_name": "Old"}, "changed"
            if n % 11 == 0 and item.get("state"):
                item["state"], fp = item["state"].upper()[:2], "other"
            sent[p.key] = item
            email = p.email if n % 13 else f"old{n}@example.com"
            links[p.key] = LinkInfo(
                f"id-{p.row}",
                email,
                fp,
                source_opted_out=n % 17 == 0,
                cc_unsubscribed=n % 19 == 0,
                origin="import" if n % 23 == 0 else "push",
            )
            permission = (
                "unsubscribed" if n % 29 == 0 else "explicit" if n % 31 == 0 else "implicit"
            )
            remote[p.email] = RemoteInfo(f"id-{p.row}", permission, n % 5 != 0)
        elif p.action is Action.SKIP and p.email and n % 3 == 0:
            remote[p.email] = RemoteInfo(
                f"r-{p.row}", "unsubscribed" if n % 2 else "implicit", True
            )
    for p in first[::9]:  # matched by email alone
        links.pop(p.key, None)
    return links, remote, sent


def main(argv: list[str]) -> int:
    digest, outcomes, planned = hashlib.sha256(), Counter[tuple](), 0
    kept = Counter[bool]()  # plans whose fingerprint carries a source digest, and not

    def feed(value: object) -> None:
        digest.update(json.dumps(value, ensure_ascii=False, default=str).encode() + b"\n")

    def feed_plan(p: object) -> None:
        names = getattr(p, "_fields", None) or [f.name for f in dataclasses.fields(p)]  # type: ignore[arg-type]
        fields = {name: getattr(p, name) for name in names}
        fields["item"] = list(p.item.items()) if p.item is not None else None  # type: ignore[attr-defined]
        # The item's fingerprint: whether the source digest rides with it is counted apart.
        fields["fingerprint"] = item_part(fields["fingerprint"])
        kept[bool(source_part(p.fingerprint))] += 1  # type: ignore[attr-defined]
        feed(fields)
        kind = re.split("[\"'0-9]", p.reason)[0][:48]  # type: ignore[attr-defined]
        outcomes[(p.action.value, kind)] += 1  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory(prefix="contactbridge-digest-") as tmp:
        files = [
            (write_varied_csv(Path(tmp) / "varied.csv", 5000), "Customer ID", True),
            (Path(tmp) / "varied.csv", None, False),
            (write_sample_csv(Path(tmp) / "sample.csv"), "Customer ID", False),
            (write_contacts_csv(Path(tmp) / "bench.csv", 3000), "Customer ID", False),
        ]
        for path, key_column, explicit in files:
            source = FileSource(path, key_column=key_column, opt_out_column="Email Opt Out")
            records = list(source.iter_records())
            for r in records:
                feed([r.key, r.row, list(r.values.items()), r.opted_out, r.notes])
            feed([repr(p) for p in source.problems])
            mapping = MAPPING if explicit else suggest_mapping(source.columns())
            for number, options in enumerate(OPTIONS):
                for filters in (FilterGroup(), IN_PORTLAND)[: 2 if number < 2 else 1]:
                    profile = SyncProfile(
                        "Digest",
                        SourceSpec("file", {"path": str(path)}),
                        "News",
                        options=options,
                        mapping=mapping,
                        filters=filters,
                        id=1,
                    )
                    first = list(Planner(PlanContext(profile)).plan_all(records))
                    for p in first:
                        feed_plan(p)
                    links, remote, sent = after_first_push(first)
                    for lookup in (None, sent.get):
                        ctx = PlanContext(profile, links, remote, {5: "bad row"}, lookup)
                        for p in Planner(ctx).plan_all(records):
                            feed_plan(p)
                            planned += 1
                    planner = Planner(PlanContext(profile))
                    for r in records[:200]:
                        item = planner.item_for(r, "x@example.com")
                        feed([planner.name_of(r), list(item.items())])
    print(f"{planned:,} records planned again; digest {digest.hexdigest()}")
    print(f"fingerprints with a source digest: {kept[True]:,}; without: {kept[False]:,}")
    if "-v" in argv:
        for (action, reason), count in sorted(outcomes.items()):
            print(f"{count:8,}  {action:13} {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
