"""Phone channel support: settings, shared call store, agent board, callbacks, overflow calls
(the callback dialogue itself is the handoff core's, ``bot/handoff/callback/``).

Used by the AudioCodes input channel (``channels/audiocodes.py``, Rasa server) and by
the phone actions (``actions/phone.py``, action server). Everything a call needs
between two requests lives in the shared store, never only in one process.
"""
