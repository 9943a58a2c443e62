"""Callback requests for staff: store, list, mark done, and delete after the retention period.

Only what staff need to call back is kept: the number, the wished day and window, and
what the call was about (intent, service, district). No names, no free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.config import as_utc
from bot.handoff.callback.turns import CallbackDraft
from bot.handoff.callback.windows import Window
from bot.metrics import count_callback_request
from bot.telephony.models import CallbackRequest, HeldContact

#: At most this many web-chat requests an hour (all conversations): a script cannot flood
#: the staff's list with third parties' numbers; citizens then hear to call 115.
WEB_REQUESTS_PER_HOUR = 60


class CallbackLimitReached(RuntimeError):
    """Too many web-chat callback requests in the last hour; nothing was stored."""


#: Held contact details (web chat) are deleted after this long at the latest.
HELD_CONTACT_HOURS = 2


@dataclass(frozen=True)
class CallContext:
    """What the call was about, for the staff's list (and the transfer's SIP headers)."""

    conversation_id: str
    reason: str | None = None
    service: str | None = None
    district: str | None = None


class CallbackRepository:
    """Callback requests in the telephony database (one short session per call)."""

    def __init__(self, engine: Engine, web_per_hour: int = WEB_REQUESTS_PER_HOUR) -> None:
        self._engine = engine
        self.web_per_hour = web_per_hour

    def _session(self) -> Session:
        return Session(self._engine, future=True, expire_on_commit=False)

    def dispose(self) -> None:
        """Close pooled connections."""
        self._engine.dispose()

    def add(self, draft: CallbackDraft, context: CallContext, now: datetime | None = None) -> int:
        """Store a caller's request (``channel="phone"``); returns its id."""
        return self._store(context, draft.window, "phone", draft.phone, None, now)

    def add_web(self, context: CallContext, window: Window, phone: str | None = None,
                email: str | None = None, now: datetime | None = None) -> int:
        """Store a web-chat request (``channel="web"``): a callback to ``phone`` or an e-mail reply.

        Raises:
            ValueError: unless exactly one of ``phone`` and ``email`` is given.
        """
        if (phone is None) == (email is None):
            raise ValueError("a web request needs either a phone number or an e-mail address")
        with self._session() as session:
            existing = session.scalars(select(CallbackRequest.id).where(
                CallbackRequest.conversation_id == context.conversation_id,
                CallbackRequest.channel == "web", CallbackRequest.status == "open")).first()
            if existing is not None:
                return int(existing)  # one open request per conversation: asking again adds none
            recent = session.scalar(select(func.count()).select_from(CallbackRequest).where(
                CallbackRequest.channel == "web", CallbackRequest.created_at >= as_utc(now) - timedelta(hours=1)))
        if recent >= self.web_per_hour:
            raise CallbackLimitReached(f"{recent} web callback requests in the last hour")
        return self._store(context, window, "web", phone, email, now)

    def _store(self, context: CallContext, window: Window, channel: str, phone: str | None,
               email: str | None, now: datetime | None) -> int:
        row = CallbackRequest(
            created_at=as_utc(now),
            conversation_id=context.conversation_id,
            channel=channel,
            phone=phone,
            email=email,
            preferred_day=window.day,
            window_key=window.key,
            due_from=as_utc(window.start),
            due_until=as_utc(window.end),
            reason=context.reason,
            service=context.service,
            district=context.district,
            status="open",
        )
        with self._session() as session, session.begin():
            session.add(row)
        count_callback_request(channel)
        return int(row.id)

    def open_requests(self, limit: int = 200) -> list[CallbackRequest]:
        """Open requests, the earliest due first."""
        stmt = select(CallbackRequest).where(CallbackRequest.status == "open").order_by(
            CallbackRequest.due_from, CallbackRequest.id
        ).limit(limit)
        with self._session() as session:
            return list(session.scalars(stmt))

    def for_conversation(self, conversation_id: str) -> list[CallbackRequest]:
        """All requests of one call."""
        stmt = select(CallbackRequest).where(CallbackRequest.conversation_id == conversation_id)
        with self._session() as session:
            return list(session.scalars(stmt.order_by(CallbackRequest.id)))

    def mark_done(self, request_id: int, now: datetime | None = None) -> bool:
        """Mark a request as done; False if there is no open request with that id."""
        with self._session() as session, session.begin():
            result = session.execute(
                update(CallbackRequest)
                .where(CallbackRequest.id == request_id, CallbackRequest.status == "open")
                .values(status="done", done_at=as_utc(now))
            )
            return result.rowcount == 1

    def purge(self, retention_days: int, now: datetime | None = None) -> int:
        """Delete every request (open or done) created more than ``retention_days`` ago,
        and held contact details older than :data:`HELD_CONTACT_HOURS`."""
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        cutoff = as_utc(now) - timedelta(days=retention_days)
        with self._session() as session, session.begin():
            session.execute(delete(HeldContact).where(
                HeldContact.updated_at < as_utc(now) - timedelta(hours=HELD_CONTACT_HOURS)))
            return session.execute(delete(CallbackRequest).where(CallbackRequest.created_at < cutoff)).rowcount

    def delete_conversation(self, conversation_id: str) -> int:
        """Delete the requests of one call (a citizen's deletion request)."""
        self.forget_contact(conversation_id)
        with self._session() as session, session.begin():
            return session.execute(
                delete(CallbackRequest).where(CallbackRequest.conversation_id == conversation_id)
            ).rowcount

    def hold_contact(self, conversation_id: str, phone: str | None = None, email: str | None = None,
                     now: datetime | None = None) -> None:
        """Keep the latest phone number / e-mail address a citizen typed (not in the tracker)."""
        with self._session() as session, session.begin():
            row = session.get(HeldContact, conversation_id)
            if row is None:
                row = HeldContact(conversation_id=conversation_id)
                session.add(row)
            row.phone = phone or row.phone
            row.email = email or row.email
            row.updated_at = as_utc(now)

    def held_contact(self, conversation_id: str, now: datetime | None = None) -> tuple[str | None, str | None]:
        """``(phone, email)`` held for the conversation (``None`` for none or expired)."""
        with self._session() as session:
            row = session.get(HeldContact, conversation_id)
            if row is None or as_utc(row.updated_at) < as_utc(now) - timedelta(hours=HELD_CONTACT_HOURS):
                return None, None
            return row.phone, row.email

    def forget_contact(self, conversation_id: str) -> None:
        """Delete what was held for the conversation (the dialogue ended, stored or not)."""
        with self._session() as session, session.begin():
            session.execute(delete(HeldContact).where(HeldContact.conversation_id == conversation_id))
