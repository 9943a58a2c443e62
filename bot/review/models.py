"""Tables of the review (redacted conversation copies, annotations); on ``bot.staffdb.Base``."""

from __future__ import annotations
