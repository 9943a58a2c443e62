"""``python -m bot console`` subcommands: data (placeholder until built).

Each subcommand parser gets ``set_defaults(handler=<function(args) -> int>)``.
"""

from __future__ import annotations

import argparse


def register(actions: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add this module's subcommands."""
