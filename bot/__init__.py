"""Shared package of the Bürgertelefon assistant: knowledge base, NLU helpers, CLI."""
