"""The load generator of ``make bench``: keep-alive clients on threads, cold first visits, and the
paths of ``bench.hooks.hot_paths`` measured at each concurrency as ratios to the floor page."""

from __future__ import annotations

import http.client
import statistics
import threading
import time

CONCURRENCY = (1, 8, 32)
HOST = "127.0.0.1"


def fetch(conn: http.client.HTTPConnection, path: str, cookie: str | None) -> tuple[int, int | None, float]:
    headers = {"Host": HOST, "Accept-Encoding": "gzip"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    queries = response.getheader("X-Query-Count")
    return response.status, int(queries) if queries is not None else None, elapsed


def load(port: int, path: str, cookie: str | None, clients: int, seconds: float, max_requests: int,
         paired_floor: str | None = None) -> dict:
    """``clients`` threads, each on its own keep-alive connection, until time or count runs out.

    With ``paired_floor``, each client alternates the floor page and ``path``, so that both are
    measured under the same load of the shared machine (p50 of each is reported)."""
    latencies: list[float] = []
    floor_latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = [0]
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.perf_counter() < stop_at:
            with lock:
                if issued[0] >= max_requests:
                    break
                issued[0] += 1
            try:
                if paired_floor:
                    floor_elapsed = fetch(conn, paired_floor, None)[2]
                    with lock:
                        floor_latencies.append(floor_elapsed)
                status, _, elapsed = fetch(conn, path, cookie)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                with lock:
                    errors.append(type(error).__name__)
                continue
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(str(status))
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    result = {
        "requests": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors)),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2), "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "rps": round(len(latencies) / wall, 1),
    }
    if paired_floor:
        result["paired_floor_p50_ms"] = round(percentile(sorted(floor_latencies), 50) * 1000, 2)
        result["rps"] = round(len(latencies) / sum(latencies), 1) if latencies else 0.0  # time spent on the path only
    return result


def cold_p50(port: int, path: str, cookie: str | None, repeat: int = 15) -> float:
    """p50 of ``path`` with every cache emptied before each request (one client): what the first
    visit after a change costs, at worst (sessions are read from the database then too)."""
    from django.core.cache import cache

    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    latencies = []
    for _ in range(repeat):
        cache.clear()
        latencies.append(fetch(conn, path, cookie)[2])
    conn.close()
    return round(statistics.median(latencies) * 1000, 2)


def paired_p50_ms(first, second, repeat: int = 15) -> tuple[float, float]:
    """p50 of two callables in milliseconds, each timed ``repeat`` times in turns (first, second, first,
    second) so that both meet the same load of the shared machine; the lower p50 of each counts."""
    timings: dict[str, list[float]] = {"first": [], "second": []}
    for label, function in (("first", first), ("second", second), ("first", first), ("second", second)):
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            function()
            samples.append(time.perf_counter() - started)
        timings[label].append(statistics.median(samples))
    return min(timings["first"]) * 1000, min(timings["second"]) * 1000


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def measure_paths(port: int, cookies: dict[str, str], seconds: float, max_requests: int,
                  only: list[str] | None = None) -> list[dict]:
    from bench.hooks import hot_paths

    rows = []
    for name, path, email in hot_paths():
        if only and name != "floor" and not any(word in name for word in only):
            continue
        cookie = cookies.get(email) if email else None
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        queries = []
        for _ in range(5):  # warm every worker's caches a little, read the query count
            status, count, _ = fetch(conn, path, cookie)
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}")
            queries.append(count)
        conn.close()
        # A page served from a cache shows it: the first visit renders (and counts) more.
        row = {"path": name, "url": path, "person": email is not None, "queries": queries[-1], "queries_first_visit": queries[0], "levels": {},
               "cold_p50_ms": cold_p50(port, path, cookie)}
        for clients in CONCURRENCY:
            # One client: alternate with the floor, whose p50 is then taken under the same load.
            paired = "/bench/floor" if clients == 1 and name != "floor" else None
            row["levels"][str(clients)] = load(port, path, cookie, clients, seconds, max_requests, paired)
            level = row["levels"][str(clients)]
            print(f"  {name:<20} c={clients:<3} p50 {level['p50_ms']:8.1f} ms  p95 {level['p95_ms']:8.1f} ms "
                  f"{level['rps']:8.1f} req/s  errors {level['errors']}")
        rows.append(row)
    floor = rows[0]["levels"]
    for row in rows:
        for clients, level in row["levels"].items():
            level["ratio_p50"] = round(level["p50_ms"] / level.get("paired_floor_p50_ms", floor[clients]["p50_ms"]), 2)
            level["ratio_p50_to_floor_row"] = round(level["p50_ms"] / floor[clients]["p50_ms"], 2)
    return rows
