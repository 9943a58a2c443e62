"""The staff console (aiohttp + jinja2): queue and live takeover, review, callbacks, statistics, admin."""
