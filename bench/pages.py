"""Web pages benchmark: how long the staff's main pages take to render against a running service, logged in as a
coordinator (the demo's `coordination` account by default).

    uv run mentorat demo && ./scripts/serve                                # in another terminal
    uv run python bench/pages.py --url http://127.0.0.1:8000 --repeat 20

Each page is asked for once to warm up, then --repeat times one after the other (one browser: the figures are a
page's own cost, not throughput). It prints, per page, the median, p95 and largest time in milliseconds and the
size of the HTML; `--json` prints one JSON object. Exit code 1 if a page does not answer 200, 2 if the service
does not answer at all. A binôme's page and a mentee's suggestions are timed on the first binôme and the first
waiting mentee the lists show.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time

import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGES = ("/app/tasks", "/app/binomes", "/app/dashboard", "/app/pipelines/mentees", "/app/pipelines/mentors",
         "/app/matching", "/app/sessions", "/app/reports", "/app/organisations")


def login(http: httpx.Client, username: str, password: str) -> None:
    page = http.get("/app/login")
    token = CSRF.search(page.text).group(1)
    answer = http.post("/app/login", data={"csrf_token": token, "username": username, "password": password,
                                           "next": "/app/tasks"})
    if answer.status_code != 303 or "login" in answer.headers.get("location", ""):
        raise SystemExit(f"login refused ({answer.status_code}): is the demo loaded, the password right?")


def first_link(http: httpx.Client, page: str, pattern: str) -> str | None:
    found = re.search(pattern, http.get(page).text)
    return found.group(1) if found else None


def timed(http: httpx.Client, path: str, repeat: int) -> dict:
    http.get(path)  # warm-up: templates compiled, caches filled
    times, size, status = [], 0, 200
    for _ in range(repeat):
        started = time.perf_counter()
        answer = http.get(path)
        times.append((time.perf_counter() - started) * 1000)
        size, status = len(answer.content), answer.status_code if answer.status_code != 200 else status
    times.sort()
    return {"page": path, "status": status, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1), "max_ms": round(times[-1], 1),
            "html_kb": round(size / 1024, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="coordination")
    parser.add_argument("--password", default="demo-mentorat-2026")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    try:
        with httpx.Client(base_url=arguments.url, timeout=30) as http:
            login(http, arguments.username, arguments.password)
            paths = list(PAGES)
            binome = first_link(http, "/app/binomes", r'href="(/app/binomes/[0-9a-f-]{36})"')
            mentee = first_link(http, "/app/matching", r'href="(/app/matching/mentees/[^"]+)"')
            paths += [path for path in (binome, mentee) if path]
            results = [timed(http, path, arguments.repeat) for path in paths]
    except httpx.HTTPError as error:
        print(f"the service does not answer: {error}", file=sys.stderr)
        return 2
    if arguments.json:
        print(json.dumps({"repeat": arguments.repeat, "pages": results}))
    else:
        print(f"{'page':<48} {'median':>8} {'p95':>8} {'max':>8} {'HTML':>8}")
        for row in results:
            name = re.sub(r"[0-9a-f-]{36}", "<id>", row["page"])
            print(f"{name:<48} {row['median_ms']:>6} ms {row['p95_ms']:>5} ms {row['max_ms']:>5} ms "
                  f"{row['html_kb']:>5} kB" + ("" if row["status"] == 200 else f"  status {row['status']}"))
    return 0 if all(row["status"] == 200 for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())
