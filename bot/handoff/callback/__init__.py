"""The callback dialogue of both channels: one state machine (``dialogue.py``), its windows
(``windows.py``) and its wording, written for the web chat (``written.py``) and spoken
with keypad input for the phone (``spoken.py``)."""
