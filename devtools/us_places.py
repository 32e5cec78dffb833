"""Rebuild studies/data/us_places.csv.gz, the offline table of US ZIP codes the finder's "near me" reads.

    .venv/bin/python -m devtools.us_places

The rows come from the ``zipcodes`` package (a development dependency: it carries its data, so
nothing is downloaded); the portal reads only the compact file, so no server holds the
package's whole table in memory.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "studies" / "data" / "us_places.csv.gz"


def build(path: Path = OUT) -> int:
    import zipcodes

    rows = sorted((row["zip_code"], f"{float(row['lat']):.4f}", f"{float(row['long']):.4f}", row["city"], row["state"])
                  for row in zipcodes.list_all() if row.get("lat") and row.get("long"))
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["zip", "lat", "lon", "city", "state"])
    writer.writerows(rows)
    # mtime=0: the same rows give the same bytes, so a rebuild changes the file only when the data did.
    path.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    return len(rows)


if __name__ == "__main__":
    print(f"{build():,} ZIP codes written to {OUT}")
