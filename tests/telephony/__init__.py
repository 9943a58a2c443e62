"""Tests of bot/telephony (one module per module)."""
