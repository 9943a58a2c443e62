"""Hypothesis against the web server and the staff console in-process (bench/helpers/fuzz_http.py).

Raw requests (any method, path, header bytes, body; logins that pass the CSRF check):
every request gets an answer and none a 5xx. Also: the OpenAPI description names
exactly the web server's routes and
only real routes of the console.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bench.helpers import fuzz_http
from bench.helpers.fuzz_parsers import run_property
from bot.console.app import create_app as create_console
from bot.web.app import create_app as create_web

EXAMPLES = 120
OPENAPI = Path(__file__).resolve().parents[2] / "deploy" / "openapi.yaml"


@pytest.fixture
def quiet() -> Iterator[None]:
    """The apps log each refused request; thousands of lines help nobody here."""
    logging.disable(logging.ERROR)
    yield
    logging.disable(logging.NOTSET)


def test_web_server_never_answers_5xx(tmp_path: Path, quiet: None) -> None:
    app = fuzz_http.web_app(tmp_path)
    try:
        run_property(fuzz_http.raw_requests(fuzz_http.WEB_PATHS), lambda r: fuzz_http.check_raw_request(app, r),
                     EXAMPLES)
    finally:
        app.close()


def test_console_never_answers_5xx(tmp_path: Path, quiet: None) -> None:
    app = fuzz_http.console_app(tmp_path)
    try:
        run_property(fuzz_http.console_requests(), lambda r: fuzz_http.check_raw_request(app, r), EXAMPLES)
    finally:
        app.close()


def _documented(server: str) -> set[tuple[str, str]]:
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return {(method.upper(), path) for path, item in spec["paths"].items() for method in item
            if method in ("get", "post") and server in item[method].get("tags", [])}


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix", "") + "/{filename}"
        if route.method in ("GET", "POST"):
            found.add((route.method, path.replace(":\\d+", "")))
    return found


def test_openapi_names_the_routes_of_both_apps(tmp_path: Path) -> None:
    from bot.console.settings import ConsoleSettings
    from bot.web.settings import WebSettings

    web = _routes(create_web(WebSettings(widget_dir=tmp_path)))
    console = _routes(create_console(ConsoleSettings(staff_db_url="sqlite://"), run_jobs=False))
    assert _documented("web") == web
    # the console's public routes (and logout); its other pages need a session
    assert {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")} <= _documented("console") <= console
