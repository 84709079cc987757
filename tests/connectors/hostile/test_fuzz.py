"""Fuzzing the CSV and workbook readers and the profile importer with Hypothesis.

Whatever the bytes, a reader gives records and reported rows that add up to the rows it
counts, or one ``SourceError`` naming the file: never another exception, never a hang. The
suite runs ``CONTACTBRIDGE_FUZZ_EXAMPLES`` examples per test (60 by default); the README gives
the longer run.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.connectors.file_source import FileSource
from app.core.errors import SourceError, ValidationError
from app.store.profiles_repo import profile_from_export
from tests.connectors.hostile.builders import big_utf8_with_stray_bytes
from tests.connectors.hostile.workbooks import CONTACTS, workbook_bytes

EXAMPLES = int(os.environ.get("CONTACTBRIDGE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SEED_CSV = (
    'Email,First,Last,Notes\na@x.com,Zoë,Müller,"two\nlines"\nb@x.com,Bob,,"say ""hi"""\n'
    "c@x.com,Ana,Núñez,plain\n"
).encode()


def read_all(path: Path) -> None:
    """Read everything a run reads; every data row ends as a record or a reported problem."""
    source = FileSource(path)
    try:
        source.columns()
        source.preview(5)
        records = list(source.iter_records())
        problems = list(source.problems)
        total = source.count_rows()
    except SourceError as exc:
        assert path.name in str(exc)
        return
    assert len(records) + len(problems) == total
    assert len({r.row for r in records} | {p.row for p in problems}) == total
    for record in records:
        assert all("\x00" not in v and "\x1b" not in v for v in record.values.values())


def mutate(seed: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """``seed`` with each edit applied: (position, kind, byte); kind 0 sets, 1 inserts, 2 cuts."""
    data = bytearray(seed)
    for position, kind, byte in edits:
        at = position % (len(data) + 1)
        if kind == 0 and at < len(data):
            data[at] = byte
        elif kind == 1:
            data.insert(at, byte)
        elif at < len(data):
            del data[at]
    return bytes(data)


EDITS = st.lists(
    st.tuples(st.integers(0, 1 << 20), st.integers(0, 2), st.integers(0, 255)), max_size=12
)
INTERESTING = st.sampled_from(list(b'",;\t|\n\r\x00\x1b\xff\xc3\xef\xbb\xbf\xfe "'))


@FUZZ
@given(data=st.binary(max_size=4000), name=st.sampled_from(["f.csv", "f.tsv", "f.txt"]))
def test_random_bytes_as_a_text_file(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    read_all(path)


@FUZZ
@given(edits=EDITS, extra=st.lists(st.tuples(st.integers(0, 500), INTERESTING), max_size=8))
def test_mutations_of_a_real_csv(
    tmp_path: Path, edits: list[tuple[int, int, int]], extra: list[tuple[int, int]]
) -> None:
    data = mutate(SEED_CSV, edits + [(p, 1, b) for p, b in extra])
    path = tmp_path / "contacts.csv"
    path.write_bytes(data)
    read_all(path)


@FUZZ
@given(edits=EDITS)
def test_mutations_of_a_big_utf8_file(tmp_path: Path, edits: list[tuple[int, int, int]]) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(mutate(big_utf8_with_stray_bytes(400, ()), edits))
    read_all(path)


_WORKBOOK = workbook_bytes(CONTACTS)


@FUZZ
@given(edits=EDITS, name=st.sampled_from(["book.xlsx", "book.csv"]))
def test_mutations_of_a_real_workbook(
    tmp_path: Path, edits: list[tuple[int, int, int]], name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(mutate(_WORKBOOK, edits))
    read_all(path)


@FUZZ
@given(cut=st.integers(0, len(_WORKBOOK)))
def test_truncated_workbooks(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(_WORKBOOK[:cut])
    read_all(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    ["name", "main_list", "source", "options", "mapping", "filters", "schedule", "version"]
)
OPTION_KEYS = st.sampled_from(
    [
        "guard_share",
        "guard_count",
        "sync_phones",
        "opt_out_handling",
        "poll_minutes",
        "phone_region",
    ]
)


@FUZZ
@given(
    changes=st.dictionaries(KEYS, JSON, max_size=4),
    options=st.dictionaries(OPTION_KEYS, JSON, max_size=3),
)
def test_profile_importer_never_crashes(changes: dict, options: dict) -> None:
    data = {
        "format": "contactbridge-profile",
        "version": 1,
        "name": "Shop",
        "main_list": "News",
        "options": options,
        **changes,
    }
    try:
        profile = profile_from_export(data)
    except ValidationError as exc:
        assert "profile" in exc.message
        return
    assert profile.name.strip() and "\n" not in profile.name


@FUZZ
@given(value=JSON)
def test_profile_importer_given_any_json(value: object) -> None:
    with contextlib.suppress(ValidationError):  # a refusal is fine; anything else fails
        profile_from_export(value)  # type: ignore[arg-type]


def test_the_fuzz_seed_files_read_cleanly(tmp_path: Path) -> None:
    # The seeds themselves read fully, so mutations start from a file that works.
    path = tmp_path / "contacts.csv"
    path.write_bytes(SEED_CSV)
    assert [r.key for r in FileSource(path).iter_records()] == ["a@x.com", "b@x.com", "c@x.com"]
    book = tmp_path / "book.xlsx"
    book.write_bytes(_WORKBOOK)
    assert [r.key for r in FileSource(book).iter_records()] == ["a@x.com", "b@x.com"]
