"""Simulators and launchers shared by the benchmarks and the tests (the tests import them from here).

* :mod:`bench.helpers.servers`: start the action server and Rasa (REST, web chat) on free ports.
* :mod:`bench.helpers.phone_servers`: the same with the AudioCodes phone channel.
* :mod:`bench.helpers.vaic`: a VoiceAI Connect gateway client (plays what the gateway sends).
* :mod:`bench.helpers.sioclient`: a socket.io web-chat citizen.
* :mod:`bench.helpers.handoff_config`: ``handoff.yml`` variants and staffed offices for handoff scenarios.
* :mod:`bench.helpers.starter_bot`: Rasa's ``rasa init`` starter bot, trained in a directory and run on a free port.
* :mod:`bench.helpers.rest_load`: N users running a conversation over the REST channel (latency per level).
* :mod:`bench.helpers.nlu_http`: held-out NLU accuracy of a running server, scored by ``bot/nlu_report.py``.
* :mod:`bench.helpers.stats`: the one ``percentile`` of every benchmark (linear interpolation).
"""
