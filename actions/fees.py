"""``action_fees``: what a service costs (integer cents, with conditions)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.replies import Reply, source_line, unknown_reply
from actions.service_topic import ServiceTopicAction
from bot.german import euro, euro_spoken
from bot.kb.models import Fee, Service
from bot.kb.repository import KnowledgeRepository
from bot.nlu.age import age_fits, age_in


class ActionFees(ServiceTopicAction):
    """Lists the fees of the service in the ``service`` slot."""

    topic = "fees"
    topic_phrase = "die Gebühren"

    def name(self) -> str:
        """Action name."""
        return "action_fees"

    def answer(self, repo: KnowledgeRepository, service: Service, tracker: Tracker) -> Reply:
        """Fees with conditions, source and date; unknown → official page and 115."""
        if not service.fees:
            return unknown_reply(repo, service.name, "den Gebühren", service.info_url,
                                 gap=("service", service.key, "fees"))
        age = age_in(tracker.latest_message.get("text") or "")
        if age is not None:
            reply = age_reply(service, age)
            if reply is not None:
                return reply
        lines = [
            f"- {euro(fee.amount_cents)}" + (f": {fee.condition}" if fee.condition else "")
            for fee in service.fees
        ]
        spoken = "; ".join(
            euro_spoken(fee.amount_cents) + (f" {fee.condition}" if fee.condition else "")
            for fee in service.fees[:3]
        )
        text = (
            f"Gebühren – {service.name}:\n" + "\n".join(lines) + f"\nMehr dazu: {service.info_url}\n"
            + source_line(service.fees)
        )
        return Reply(text=text, voice=f"{service.name}: {spoken}.")


def age_reply(service: Service, age: int) -> Reply | None:
    """The fee for a person of ``age`` first ("für meine Tochter, 17"); None if no fee depends on age."""
    fits = [(fee, age_fits(fee.condition or "", age)) for fee in service.fees]
    fitting = [fee for fee, fit in fits if fit]
    if not fitting:
        return None
    extras = [fee for fee, fit in fits if fit is None]
    main = "; ".join(_fee_text(fee) for fee in fitting)
    text = f"{service.name} mit {age} Jahren: {main}."
    if extras:
        text += "\nAußerdem möglich:\n" + "\n".join(f"- {_fee_text(fee)}" for fee in extras)
    text += f"\nMehr dazu: {service.info_url}\n" + source_line([*fitting, *extras])
    spoken = "; ".join(
        euro_spoken(fee.amount_cents) + (f" {fee.condition}" if fee.condition else "") for fee in fitting
    )
    return Reply(text=text, voice=f"{service.name} mit {age} Jahren: {spoken}.")


def _fee_text(fee: Fee) -> str:
    return euro(fee.amount_cents) + (f" ({fee.condition})" if fee.condition else "")
