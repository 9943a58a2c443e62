"""Phone channel support: settings, shared call store, agent board, callbacks, overflow calls
(the callback dialogue itself is the handoff core's, ``bot/handoff/callback/``).

Used by the AudioCodes input channel (``channels/audiocodes.py``, Rasa server) and by
the phone actions (``actions/phone.py``, action server). Everything a call needs
between two requests lives in the shared store, never only in one process.
"""

#: The phone channel's name (``InputChannel.name()`` of ``channels/audiocodes.py``).
PHONE_CHANNEL = "audiocodes"
#: Input channels whose answers are spoken (short, no URLs): the actions' replies and the
#: Rasa process's outage answer choose by it.
VOICE_CHANNELS = frozenset({PHONE_CHANNEL})
