"""Contact details never enter the conversation history (M3 of the security review).

Before Rasa stores a citizen's message, the channels replace phone numbers and e-mail
addresses with placeholders (``[Telefonnummer]``, ``[E-Mail-Adresse]``) and hold the
values in the telephony database for the callback dialogue
(``CallbackRepository.hold_contact``). The dialogue reads them back only to store a
request the citizen consented to; they are deleted when it ends, stored or not.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.handoff.contact import protect_contact

logger = logging.getLogger(__name__)


async def keep_contact_out(sender: str, text: str) -> str:
    """``text`` without contact details; the values are held for ``sender``'s dialogue."""
    protected, phone, email = protect_contact(text)
    if phone or email:
        from bot.telephony import runtime

        try:
            await asyncio.to_thread(runtime.callbacks().hold_contact, sender, phone, email)
        except SQLAlchemyError:
            # The placeholder stays: the citizen is asked again rather than the value kept.
            logger.exception("contact details could not be held")
    return protected
