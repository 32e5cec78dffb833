"""The files of an extract: folders expanded, .ndjson and .ndjson.gz read line by line, and its date."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

SUFFIXES = (".ndjson", ".ndjson.gz")


class ExtractError(Exception):
    """The extract cannot be read at all (no such file, no NDJSON in a folder)."""


def expand(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Every .ndjson / .ndjson.gz file named, or found in a named folder (sorted, each once)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
            if not inside:
                raise ExtractError(f"{path}: the folder holds no .ndjson or .ndjson.gz file")
            found += inside
        elif path.is_file():
            if not path.name.endswith(SUFFIXES):
                raise ExtractError(f"{path}: not an .ndjson or .ndjson.gz file")
            found.append(path)
        else:
            raise ExtractError(f"{path}: no such file or folder")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique


def open_binary(path: Path, raw: IO[bytes] | None = None) -> IO[bytes]:
    """The file's bytes, gunzipped when its name ends in .gz."""
    source = raw if raw is not None else path.open("rb")
    return gzip.GzipFile(fileobj=source, mode="rb") if path.name.endswith(".gz") else source


def lines(binary: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of an NDJSON stream, blank lines left out."""
    for number, line in enumerate(binary, start=1):
        if line.strip():
            yield number, line


def manifest_time(paths: Iterable[str | os.PathLike]) -> datetime | None:
    """The ``transactionTime`` of a Bulk Data manifest (the export's status answer) kept beside the files."""
    for raw in paths:
        folder = Path(raw) if Path(raw).is_dir() else Path(raw).parent
        for candidate in sorted(folder.glob("*.json")):
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
                if isinstance(data, dict) and "output" in data and data.get("transactionTime"):
                    return datetime.fromisoformat(str(data["transactionTime"]).replace("Z", "+00:00"))
            except (OSError, ValueError):
                continue
    return None


def newest_mtime(files: Iterable[Path]) -> datetime:
    return datetime.fromtimestamp(max(p.stat().st_mtime for p in files), tz=timezone.utc)
