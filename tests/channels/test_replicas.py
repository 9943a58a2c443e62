"""A phone front's cap grows and shrinks with the Rasa replicas its host names resolve to."""

from __future__ import annotations

import dataclasses

from bot.telephony import replicas
from bot.telephony.replicas import ReplicaCount, resolve
from channels.audiocodes_overflow import Admission


def test_names_resolve_to_their_addresses_and_an_unknown_name_to_none() -> None:
    assert resolve("127.0.0.2") == {"127.0.0.2"}
    assert resolve("rasa.invalid") == set()  # RFC 2606: never resolves


def test_the_count_is_the_distinct_addresses_refreshed_after_a_while() -> None:
    answers = {"rasa": {"10.0.0.1", "10.0.0.2"}, "rasa-2": {"10.0.0.2"}}
    now = [0.0]
    count = ReplicaCount(["rasa", "rasa-2"], resolver=lambda host: set(answers[host]), clock=lambda: now[0])
    assert count() == 2  # one address behind two names is one replica
    answers["rasa"] = {"10.0.0.1", "10.0.0.2", "10.0.0.3"}
    now[0] = replicas.REFRESH_SECONDS / 2
    assert count() == 2  # cached
    now[0] = replicas.REFRESH_SECONDS
    assert count() == 3  # the autoscaler added a replica
    answers["rasa"], answers["rasa-2"] = set(), set()
    now[0] = 2 * replicas.REFRESH_SECONDS
    assert count() == 0  # nobody to answer: new calls hear the callback offer


def test_a_front_with_replica_hosts_admits_per_replica(phone_setting) -> None:
    settings, store = phone_setting  # max_concurrent_calls 1
    front = Admission(dataclasses.replace(settings, instance_id="front", replica_hosts=("127.0.0.1", "127.0.0.2")),
                      store)
    assert front.capacity() == 2
    assert [front.admit(f"call-{n}").admitted for n in range(3)] == [True, True, False]
    assert Admission(settings, store).capacity() == 1  # a Rasa replica keeps its own cap


def test_the_setting_is_read_from_the_environment(monkeypatch) -> None:
    from bot.telephony.settings import TelephonySettings

    monkeypatch.setenv("TELEPHONY_REPLICA_HOSTS", " rasa-1, rasa-2 ,")
    assert TelephonySettings.load().replica_hosts == ("rasa-1", "rasa-2")
    monkeypatch.delenv("TELEPHONY_REPLICA_HOSTS")
    assert TelephonySettings.load().replica_hosts == ()
