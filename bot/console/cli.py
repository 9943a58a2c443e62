"""``python -m bot console …``: staff users (``cli_users``) and data protection (``cli_data``)."""

from __future__ import annotations

import argparse

from bot.console import cli_data, cli_users


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``console`` command and its subcommands to the main parser."""
    console = commands.add_parser("console", help="staff console: users, retention, deletion, review export")
    actions = console.add_subparsers(dest="action", required=True)
    cli_users.register(actions)
    cli_data.register(actions)
