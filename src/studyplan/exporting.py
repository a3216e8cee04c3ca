"""The review history as CSV or JSON, streamed so a million rows stay small in memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

FIELDS = ("card_id", "reviewed_at", "grade", "practice", "easiness", "interval", "repetitions", "due")


def _record(row: Any) -> dict[str, Any]:
    return {
        "card_id": row.card_id,
        "reviewed_at": row.reviewed_at.isoformat(timespec="seconds"),
        "grade": row.grade,
        "practice": bool(row.practice),
        "easiness": round(row.easiness, 6),
        "interval": row.interval,
        "repetitions": row.repetitions,
        "due": row.due.isoformat() if row.due else None,
    }


def write_reviews(rows: Iterable[Any], fmt: str, out: TextIO) -> int:
    """Write every logged grade to *out*; returns the count. Practice rows (re-asks) are marked."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(_record(row))
            count += 1
        return count
    out.write("[")
    for row in rows:
        out.write(("," if count else "") + "\n  " + json.dumps(_record(row)))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
