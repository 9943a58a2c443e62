"""Launchers of the Rasa and action servers with authentication in front of them.

``python -m bot.server.rasa_server …`` runs ``rasa run`` with the HTTP API closed to
anyone without ``RASA_AUTH_TOKEN``; ``python -m bot.server.action_server`` runs the
action server on 127.0.0.1, refusing requests without ``ACTION_SERVER_TOKEN``.
"""
