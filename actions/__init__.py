"""rasa-sdk custom actions, one module per topic (registered by ``rasa run actions``)."""
