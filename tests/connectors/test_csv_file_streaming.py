"""FileSource streams: a large file is read with flat memory."""

from __future__ import annotations

import collections
import itertools
import tracemalloc
from pathlib import Path

from app.connectors.csv_file import FileSource

ROWS = 200_000
TRACED = 30_000  # tracemalloc slows Python ~5x; tracing this many records is enough, see below
PEAK_LIMIT = 5_000_000


def test_large_file_streams_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("Id,Email,First Name,Last Name,City\n")
        f.writelines(
            f"{i},person{i}@example.com,First{i},Last{i},Town {i % 97}\n" for i in range(ROWS)
        )
    size = path.stat().st_size
    assert size > 10_000_000
    source = FileSource(path, key_column="Id")
    # Peak memory over the first 30,000 records catches both ways of not streaming: reading the
    # whole 11 MB file up front, or keeping records (30,000 kept records take about 20 MB).
    # The measured peak is about 0.3 MB.
    records = source.iter_records()
    tracemalloc.start()
    try:
        seen = sum(1 for _ in itertools.islice(records, TRACED))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == TRACED
    assert peak < PEAK_LIMIT < size / 2, f"peak {peak / 1e6:.1f} MB"
    ((count, last),) = collections.deque(enumerate(records, start=TRACED + 1), maxlen=1)
    assert (count, last.key, last.row) == (ROWS, str(ROWS - 1), ROWS + 1)
    assert source.problems == []
    assert source.count_rows() == ROWS
