"""The handoff benchmark (``bench/handoff_latency.py``) in parts.

* :mod:`bench.handoff.stack`: action server, Rasa and the staff console on free loopback ports.
* :mod:`bench.handoff.clients`: web-chat citizens, the agent in the console, the live streams.
* :mod:`bench.handoff.scenario`: the run (queue, take-over, messages both ways, hand back) and its measures.
"""
