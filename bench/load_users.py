"""The simulated consultants of bench/load_bench.py, run by locust as a library (headless) in a process of its own.

Imported only by `load_bench.py --drive CONFIG`: importing locust makes gevent patch the standard library, which
the Django process that seeds the data and the web processes must never see.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

import gevent
import psutil
from locust import HttpUser, between, task
from locust.clients import HttpSession
from locust.env import Environment

from bench.load_bench import chosen_pages, fill

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFIG: dict[str, Any] = {}
_accounts = itertools.count()


class Consultant(HttpUser):
    """Signs in through the sign-in page of one web process, then browses and calls the API with a think time."""

    wait_time = between(1, 5)
    host = "http://127.0.0.1"  # each user points its sessions at one web process in on_start

    def on_start(self) -> None:
        index = next(_accounts)
        account = CONFIG["accounts"][index]
        ports = CONFIG["ports"]
        self.base = f"http://127.0.0.1:{ports[index % len(ports)]}"
        self.rng = random.Random(index)
        self.client.base_url = self.base
        self.client.headers["Host"] = CONFIG["host"]
        # API calls carry the token alone (no session cookie), as an integration would.
        self.api = HttpSession(base_url=self.base, request_event=self.environment.events.request, user=self)
        self.api.trust_env = False
        self.api.headers.update({"Host": CONFIG["host"], "Authorization": f"Token {account['token']}"})
        self.sign_in(account["email"], account["password"])

    def sign_in(self, email: str, password: str) -> None:
        started = time.perf_counter()
        error = ""
        with self.client.get("/accounts/login/", name="sign-in", catch_response=True) as page:
            found = CSRF_FIELD.search(page.text or "")
            if page.status_code != 200 or found is None:
                error = f"sign-in page answered {page.status_code} without a CSRF field"
            page.success()  # judged below, with the POST; sign-in is reported apart
        if not error:
            with self.client.post(
                "/accounts/login/",
                data={"username": email, "password": password, "csrfmiddlewaretoken": found.group(1) if found else ""},
                name="sign-in",
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                if answer.status_code != 302 or "sessionid" not in self.client.cookies:
                    error = f"sign-in as {email} answered {answer.status_code} without a session cookie"
                answer.success()
        SIGN_INS.append(((time.perf_counter() - started) * 1000, error))

    @task
    def browse(self) -> None:
        """One request of the mix in PAGES, chosen by weight; a non-200 or an answer without its marker is an error."""
        label, _, kind, template, expected = self.rng.choices(MIX, weights=[page[1] for page in MIX])[0]
        path, marker = fill(template, expected, CONFIG, self.rng)
        session = self.api if kind == "api" else self.client
        headers = {"HX-Request": "true"} if kind == "htmx" else {}
        with session.get(path, name=label, headers=headers, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{label}: {path} answered {answer.status_code}")
            elif kind == "api" and marker not in answer.json():
                answer.failure(f"{label}: {path} has no {marker!r}")
            elif kind != "api" and marker not in answer.text:
                answer.failure(f"{label}: {path} lacks {marker!r}")
            else:
                answer.success()


MIX: list[tuple[str, int, str, str, str]] = []
SIGN_INS: list[tuple[float, str]] = []
TIMINGS: dict[str, list[float]] = {}
ERRORS: dict[str, int] = {}
MEASURING = {"on": False}


def record(*, name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    if not MEASURING["on"] or name == "sign-in":
        return
    TIMINGS.setdefault(name, []).append(response_time)
    if exception is not None:
        message = str(exception)
        ERRORS[message] = ERRORS.get(message, 0) + 1
        TIMINGS.setdefault(f"!{name}", []).append(response_time)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def summary(name: str, values: list[float], errors: int) -> dict[str, Any]:
    return {
        "name": name,
        "count": len(values),
        "errors": errors,
        "p50": statistics.median(values) if values else 0.0,
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": max(values, default=0.0),
    }


def drive(config_path: Path) -> int:
    """Spawn the users, wait until all have signed in, measure for the configured time, write results.json."""
    CONFIG.update(json.loads(config_path.read_text()))
    MIX.extend(chosen_pages(CONFIG))
    users, seconds = int(CONFIG["users"]), float(CONFIG["seconds"])
    environment = Environment(user_classes=[Consultant])
    environment.events.request.add_listener(record)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=min(users, 10))
    deadline = time.monotonic() + 120
    while len(SIGN_INS) < users and time.monotonic() < deadline:
        gevent.sleep(0.1)
    web = [psutil.Process(pid) for pid in CONFIG["pids"]]
    cpu_before = sum(sum(process.cpu_times()[:2]) for process in web)
    MEASURING["on"] = True
    started = time.monotonic()
    gevent.sleep(seconds)
    MEASURING["on"] = False
    elapsed = time.monotonic() - started
    web_cpu = sum(sum(process.cpu_times()[:2]) for process in web) - cpu_before
    runner.quit()

    pages = []
    everything: list[float] = []
    failed = 0
    for name in sorted(n for n in TIMINGS if not n.startswith("!")):
        errors = len(TIMINGS.get(f"!{name}", []))
        failed += errors
        everything += TIMINGS[name]
        pages.append(summary(name, TIMINGS[name], errors))
    sign_in_times = [t for t, _ in SIGN_INS]
    results = {
        "seconds": elapsed,
        "skipped": CONFIG.get("skip", []),
        "web_cpu_seconds": web_cpu,
        "pages": pages,
        "overall": summary("overall", everything, failed),
        "sign_in": {
            "count": len(SIGN_INS),
            "errors": sum(1 for _, e in SIGN_INS if e) + (users - len(SIGN_INS)),
            "p50": statistics.median(sign_in_times) if sign_in_times else 0.0,
            "max": max(sign_in_times, default=0.0),
        },
        "error_samples": [f"{count} x {message}" for message, count in sorted(ERRORS.items())[:10]]
        + [e for _, e in SIGN_INS if e][:5],
    }
    (config_path.parent / "results.json").write_text(json.dumps(results))
    return 0
