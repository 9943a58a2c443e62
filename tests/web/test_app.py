"""The web server (bot/web): demo page, widget files, security headers, errors, health."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bench.helpers.servers import free_port
from bot.web.app import create_app
from bot.web.keys import TEMPLATES
from bot.web.settings import SettingsError, WebSettings, origin_of
from bot.web.views import json_for_script


@pytest.fixture
def widget_dir(tmp_path: Path) -> Path:
    (tmp_path / "webchat.js").write_text("/* widget */", encoding="utf-8")
    (tmp_path / "webchat.css").write_text("/* css */", encoding="utf-8")
    return tmp_path


@pytest.fixture
def settings(widget_dir: Path) -> WebSettings:
    return WebSettings(chat_server_url=f"http://127.0.0.1:{free_port()}", title="Bürgerservice-Chat",
                       widget_dir=widget_dir)


@pytest.fixture
async def client(settings: WebSettings) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


async def test_demo_page_has_the_widget_a_strict_csp_and_the_config(client: TestClient, settings: WebSettings) -> None:
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert "Stadt Stuttgart" in html and "Bürgerservice" in html
    assert html.count('<script src="/webchat/webchat.js"') == 1
    config = json.loads(re.search(r'id="stuttgart-webchat-config">(.*?)</script>', html, re.S).group(1))
    assert config == {"serverUrl": settings.chat_server_url, "title": "Bürgerservice-Chat", "language": "de"}
    csp = response.headers["Content-Security-Policy"]
    port = settings.chat_server_url.rsplit(":", 1)[1]
    assert "default-src 'none'" in csp and "script-src 'self';" in csp and "'unsafe-inline'" not in csp
    assert f"connect-src 'self' http://127.0.0.1:{port} ws://127.0.0.1:{port}" in csp
    assert "require-trusted-types-for 'script'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_widget_files_are_served_for_embedding(client: TestClient) -> None:
    response = await client.get("/webchat/webchat.js")
    assert response.status == 200 and await response.text() == "/* widget */"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "javascript" in response.headers["Content-Type"]
    css = await client.get("/static/demo.css")
    assert css.status == 200 and css.headers["Cross-Origin-Resource-Policy"] == "same-origin"


async def test_unknown_page_is_a_german_404_page_with_csp(client: TestClient) -> None:
    response = await client.get("/gibt-es-nicht")
    assert response.status == 404
    assert "Seite nicht gefunden" in await response.text()
    assert "Content-Security-Policy" in response.headers
    traversal = await client.get("/webchat/../../credentials.yml")
    assert traversal.status in (403, 404)


async def test_unexpected_error_is_a_logged_500_page(settings: WebSettings, caplog) -> None:
    app = create_app(settings)

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("kaputt")

    app.router.add_get("/broken", broken)
    async with TestClient(TestServer(app)) as test_client:
        response = await test_client.get("/broken")
        assert response.status == 500
        text = await response.text()
    assert "Interner Fehler" in text and "kaputt" not in text
    assert "kaputt" in caplog.text


async def test_health_reports_an_unreachable_chat_server(client: TestClient) -> None:
    response = await client.get("/health")
    assert response.status == 503
    assert await response.json() == {"status": "ok", "chat_server": "unreachable"}


@pytest.mark.parametrize("behind_a_proxy", [False, True])
async def test_health_reports_a_running_chat_server(widget_dir: Path, behind_a_proxy: bool) -> None:
    rasa = web.Application()
    rasa.router.add_get("/webhooks/socketio/", lambda request: web.json_response({"status": "ok"}))
    async with TestServer(rasa) as fake_rasa:
        rasa_url = str(fake_rasa.make_url("/"))
        # behind nginx the browser's origin does not answer Rasa's health route: /health asks RASA_URL
        settings = (WebSettings(chat_server_url=f"http://127.0.0.1:{free_port()}", rasa_url=rasa_url,
                                widget_dir=widget_dir) if behind_a_proxy
                    else WebSettings(chat_server_url=rasa_url, widget_dir=widget_dir))
        async with TestClient(TestServer(create_app(settings))) as test_client:
            response = await test_client.get("/health")
            assert response.status == 200
            assert (await response.json())["chat_server"] == "ok"


def test_config_json_cannot_close_the_script_element() -> None:
    text = str(json_for_script({"title": "</script><script>alert(1)</script> & more"}))
    assert "</script>" not in text and "<" not in text and "&" not in text
    assert json.loads(text)["title"] == "</script><script>alert(1)</script> & more"


def test_templates_escape_html(settings: WebSettings) -> None:
    html = create_app(settings)[TEMPLATES].get_template("error.html").render(status=404, title="<b>x</b>")
    assert "<b>x</b>" not in html and "&lt;b&gt;" in html


@pytest.mark.parametrize("url", ["ftp://x", "http://host/path", "javascript:alert(1)", "http://a b", "127.0.0.1:5005"])
def test_bad_chat_server_url_is_refused(url: str) -> None:
    with pytest.raises(SettingsError):
        origin_of(url)


def test_settings_normalise_the_chat_server_and_derive_socket_origins() -> None:
    settings = WebSettings(chat_server_url="https://chat.example.de/")
    assert settings.chat_server_url == "https://chat.example.de"
    assert settings.chat_socket_origins == ("https://chat.example.de", "wss://chat.example.de")
    with pytest.raises(SettingsError):
        WebSettings(language="fr")


def test_retention_period_of_handoff_yml_reaches_the_widget(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot.web.views import widget_config

    assert widget_config(WebSettings.from_env())["retentionDays"] == 30
    config = tmp_path / "handoff.yml"
    config.write_text("teams: [{key: a}]\nretention_days: 14\n", encoding="utf-8")
    monkeypatch.setenv("HANDOFF_CONFIG", str(config))
    assert widget_config(WebSettings.from_env())["retentionDays"] == 14
    config.write_text("teams: []\n", encoding="utf-8")  # broken file: the notice names no period
    assert "retentionDays" not in widget_config(WebSettings.from_env())
