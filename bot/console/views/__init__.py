"""Console page handlers; each module exposes ``routes`` (an ``aiohttp.web.RouteTableDef``)."""
