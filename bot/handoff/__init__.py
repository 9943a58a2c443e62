"""Handoff of web-chat conversations to staff: the queue, its settings and summaries."""
