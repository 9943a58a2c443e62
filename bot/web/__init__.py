"""The project's small web server: the web-chat widget and the demo page.

``python -m bot.web`` (started by ``make run`` on :8080) serves

- ``/``             the demo page "Stadt Stuttgart — Bürgerservice" with the widget,
- ``/webchat/``     the built widget (``channels/webchat/dist``: ``webchat.js``, ``webchat.css``),
- ``/static/``      the demo page's own CSS,
- ``/health``       whether this server and the chat server (Rasa) answer.

The widget talks to Rasa's socket.io channel directly; this server holds no
conversation data.
"""
