"""Metrics (bot/metrics.py): the module, and each real process's endpoint behind the proxy."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid

import pytest
from prometheus_client import generate_latest

from bench.helpers.servers import free_port
from bot import metrics
from tests.deploy.conftest import Stack
from tests.deploy.test_nginx import call


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode()


def value(text: str, name: str, **labels: str) -> float:
    """The sample ``name{labels}`` of a scrape (0 when absent)."""
    wanted = ",".join(f'{key}="{val}"' for key, val in sorted(labels.items()))
    for line in text.splitlines():
        match = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if match and match.group(1) == name and ",".join(sorted((match.group(2) or "").split(","))) == wanted:
            return float(match.group(3))
    return 0.0


# ---------------------------------------------------------------- the module


def test_every_metric_has_the_prefix() -> None:
    names = re.findall(r"^# TYPE (\S+)", generate_latest().decode(), flags=re.M)
    ours = [name for name in names if not name.startswith(("python_", "process_"))]
    assert ours and all(name.startswith(metrics.PREFIX) for name in ours), ours


def test_labels_are_bounded() -> None:
    assert metrics.channel_label("rest") == "rest"
    assert metrics.channel_label("Hallo, ich heiße Erika") == "other"
    assert metrics.bounded("test_family", "action_fees") == "action_fees"
    assert metrics.bounded("test_family", "+49 711 123456") == "other"
    for number in range(metrics.MAX_LABEL_VALUES + 5):
        metrics.bounded("test_many", f"name_{number}")
    assert metrics.bounded("test_many", "one_more") == "other"


def test_the_port_comes_from_the_environment() -> None:
    assert metrics.metrics_port("rasa", {}) is None
    assert metrics.metrics_port("rasa", {"METRICS_PORT": "0"}) is None
    assert metrics.metrics_port("rasa", {"METRICS_PORT": "9105"}) == 9105
    assert metrics.metrics_port("rasa", {"METRICS_PORT": "9105", "METRICS_PORT_RASA": "9200"}) == 9200
    with pytest.raises(ValueError, match="out of range"):
        metrics.metrics_port("rasa", {"METRICS_PORT": "70000"})


async def test_timed_turns_counts_and_times_even_a_failing_turn() -> None:
    before = metrics.TURNS.labels("rest")._value.get()

    async def failing(_: object) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await metrics.timed_turns(failing, "rest")(object())
    assert metrics.TURNS.labels("rest")._value.get() == before + 1


def test_database_errors_are_counted_per_database(tmp_path) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError, OperationalError

    from bot.db.engine import dispose_all, get_engine

    shared_url = f"sqlite:///{tmp_path / 'shared.db'}"  # staff and telephony in one database, as in Compose
    unreachable = "postgresql://postgres@127.0.0.1:1/telephony"
    errors = metrics.DATABASE_ERRORS
    before = {name: errors.labels(name)._value.get() for name in ("staff", "telephony", "other")}
    try:
        with get_engine(shared_url, "staff").connect() as connection:
            connection.execute(text("SELECT 1"))
            with pytest.raises(OperationalError):
                connection.execute(text("SELECT * FROM no_such_table"))
        with get_engine(shared_url, "telephony").begin() as connection:
            connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(IntegrityError), get_engine(shared_url, "telephony").begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))  # an expected conflict, not a failure
        with pytest.raises(OperationalError):
            get_engine(unreachable, "telephony").connect()
        with pytest.raises(OperationalError), get_engine(f"sqlite:///{tmp_path / 'x.db'}").connect() as other:
            other.execute(text("SELECT * FROM nothing"))
    finally:
        dispose_all()
    assert errors.labels("staff")._value.get() == before["staff"] + 1
    assert errors.labels("telephony")._value.get() == before["telephony"] + 1
    assert errors.labels("other")._value.get() == before["other"] + 1


def test_serve_metrics_listens_on_loopback_only() -> None:
    port = free_port()
    url = metrics.serve_metrics("test", port=port)
    assert url == f"http://127.0.0.1:{port}/metrics"
    assert "buergertelefon_turns_total" in scrape(url)
    assert metrics.serve_metrics("test", port=port) is None  # in use: logged, never raised


# ---------------------------------------------------------------- the real processes

@pytest.mark.e2e
def test_each_process_answers_on_its_metrics_port(stack: Stack) -> None:
    for name, url in stack.metrics.items():
        text = scrape(url)
        assert "buergertelefon_" in text, name
        assert "process_resident_memory_bytes" in text, name


@pytest.mark.e2e
def test_a_rest_turn_moves_the_counters_and_leaves_no_text(stack: Stack) -> None:
    before = scrape(stack.metrics["rasa"])
    marker = f"Zebrafisch{uuid.uuid4().hex[:8]}"
    sender = f"metrics-{uuid.uuid4().hex}"
    reply = call(stack, "POST", "/webhooks/rest/webhook",
                 {"sender": sender, "message": f"Was kostet ein Reisepass? {marker}"})
    assert reply.status == 200
    emergency = call(stack, "POST", "/webhooks/rest/webhook",
                     {"sender": sender, "message": "Hilfe, es brennt in meiner Wohnung!"})
    assert "112" in emergency.text
    after = scrape(stack.metrics["rasa"])
    assert value(after, "buergertelefon_turns_total", channel="rest") >= \
        value(before, "buergertelefon_turns_total", channel="rest") + 2
    assert value(after, "buergertelefon_turn_seconds_count", channel="rest") >= \
        value(before, "buergertelefon_turn_seconds_count", channel="rest") + 2
    assert value(after, "buergertelefon_emergency_answers_total", channel="rest") >= \
        value(before, "buergertelefon_emergency_answers_total", channel="rest") + 1
    for url in stack.metrics.values():
        text = scrape(url)
        for secret in (marker, sender, "Reisepass", "brennt", "Wohnung"):
            assert secret not in text, (url, secret)


@pytest.mark.e2e
def test_an_unknown_fact_is_counted_in_the_action_server(stack: Stack) -> None:
    before = scrape(stack.metrics["actions"])
    reply = call(stack, "POST", "/webhooks/rest/webhook",
                 {"sender": f"metrics-{uuid.uuid4().hex}", "message": "Welche Unterlagen brauche ich für Wohngeld?"})
    assert "keine geprüften Angaben" in " ".join(m.get("text", "") for m in json.loads(reply.body))
    after = scrape(stack.metrics["actions"])
    labels = {"kind": "service", "topic": "documents"}
    assert value(after, "buergertelefon_unknown_fact_answers_total", **labels) == \
        value(before, "buergertelefon_unknown_fact_answers_total", **labels) + 1


@pytest.mark.e2e
def test_the_metrics_ports_are_not_reachable_through_the_proxy(stack: Stack) -> None:
    site = (stack.proxy.directory / "buergertelefon.conf").read_text()
    for url in stack.metrics.values():
        port = url.rsplit(":", 1)[1].split("/")[0]
        assert f":{port}" not in site
    for path in ("/metrics", "/metrics/", "/webhooks/../metrics"):
        assert call(stack, "GET", path).status == 404
