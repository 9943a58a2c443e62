"""Custom Rasa NLU components for German citizen language."""
