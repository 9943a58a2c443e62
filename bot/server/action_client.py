"""How the Rasa process calls the action server: the response check without its per-call cost.

Rasa 3.6 checks every action server response against its JSON schema with
``jsonschema.validate(result, schema)``, which first checks the *schema* itself against
the meta-schema, on every call: 15–30 ms of CPU per custom action on the reference
machine, a third of a whole turn (``bench/turn_profile.py``). :func:`install` replaces
``RemoteAction._validate_action_result`` (pinned Rasa, checked by
``tests/deploy/test_action_client.py``) with the same check against a validator built
once per process: the same schema, the same ``ValidationError`` with Rasa's hint,
0.2 ms.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

#: Appended to a validation error, as Rasa does.
HINT = (". Failed to validate Action server response from API, make sure your response from the "
        "Action endpoint is valid. For more information about the format visit {docs}/custom-actions")


@lru_cache(maxsize=1)
def response_validator() -> Any:
    """A validator of Rasa's action response schema, checked and built once."""
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the cached validator."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(response_validator().iter_errors(result))  # the error jsonschema.validate raises
    if error is not None:
        error.message += HINT.format(docs=DOCS_BASE_URL)
        raise error
    return True


def install() -> None:
    """Patch ``RemoteAction`` once per process."""
    from rasa.core.actions.action import RemoteAction

    if RemoteAction._validate_action_result is validate_action_result:
        return
    RemoteAction._validate_action_result = validate_action_result
