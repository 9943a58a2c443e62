"""What a citizen reads or hears when a part of the assistant is briefly unreachable.

One text for the web (REST, web chat) and one for the phone, used by the input channels
when a store fails (``channels/outage.py``) and by the Rasa process when the action server
cannot be reached (``bot/server/action_client.py``). "115" is written here, not read from
the knowledge base: the knowledge base may be what is down.
"""

from __future__ import annotations

#: Web (REST, web chat): written, with the way to a person.
WRITTEN = (
    "Entschuldigung, unser Dienst ist gerade kurz nicht erreichbar. "
    "Bitte versuchen Sie es in einigen Minuten noch einmal. "
    "Oder rufen Sie die Behördennummer 115 an."
)
#: Phone: speakable, short sentences, no link.
SPOKEN = (
    "Entschuldigung, unser Dienst ist gerade kurz gestört. "
    "Bitte stellen Sie Ihre Frage in einer Minute noch einmal."
)
