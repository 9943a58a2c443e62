"""rasa-sdk custom actions, one module per topic (registered by ``rasa run actions``).

The topic actions are imported here, so that :func:`actions.service_topic.topic_actions`
(the one map of topic → action, used for second questions, follow-ups and corrections)
always knows all of them, whichever module is imported first.
"""

from actions import appointment, documents, fees, forms, processing_time, requirements

TOPIC_MODULES = (appointment, documents, fees, forms, processing_time, requirements)
