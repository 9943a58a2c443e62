"""Rasa's stock ``rasa init`` starter bot as a baseline: create and train it, run it on a free port.

    workdir = await trained_starter()          # rasa init --no-prompt once into build/rasa-starter (~1 min)
    bot = start_starter(workdir)               # rasa run --enable-api on a free loopback port
    try:
        ...                                    # REST turns against bot.url (STARTER_SCRIPT)
    finally:
        bot.stop()

The bot has no token, no action server and in-memory stores (Rasa's defaults).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.helpers.servers import free_port, start_http_process, stop_process
from bot.config import PROJECT_ROOT

#: Where the starter project is trained once and kept for every benchmark (``make clean`` removes it).
STARTER_DIR = PROJECT_ROOT / "build" / "rasa-starter"

#: A 10-turn English conversation the starter bot understands (greet, mood, bot challenge, goodbye).
STARTER_SCRIPT: tuple[str, ...] = (
    "hi",
    "I am sad",
    "yes",
    "hello there",
    "not so good",
    "no",
    "are you a bot?",
    "I am great",
    "good morning",
    "bye",
)
STARTER_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}


@dataclass
class StarterBot:
    """A running starter bot: its base URL, process and log; ``stop()`` ends it."""

    url: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        stop_process(self.process)


def has_model(workdir: Path) -> bool:
    """True when ``workdir`` holds a trained starter project (a model in ``models/``)."""
    return any((workdir / "models").glob("*.tar.gz"))


def tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


async def trained_starter(timeout: float = 900.0, log: Callable[[str], None] = print) -> Path:
    """:data:`STARTER_DIR`, trained by ``rasa init`` the first time (every benchmark shares it)."""
    if not has_model(STARTER_DIR):
        log(f"rasa init --no-prompt into {STARTER_DIR} (once; trains ~1 min) …")
        shutil.rmtree(STARTER_DIR, ignore_errors=True)
        STARTER_DIR.mkdir(parents=True)
        await init_starter(STARTER_DIR, timeout)
    return STARTER_DIR


async def init_starter(workdir: Path, timeout: float = 900.0) -> None:
    """``rasa init --no-prompt`` into the empty directory ``workdir``: creates and trains the project.

    Its output goes to ``rasa-init.log`` next to ``workdir``. Awaitable so that a cancelled
    caller (Ctrl-C) stops the training at once.

    Raises:
        RuntimeError: when it fails, leaves no model or takes longer than ``timeout`` s (with the log's tail).
    """
    log_path = workdir.parent / "rasa-init.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(workdir),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**os.environ, **STARTER_ENV},
        )
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except asyncio.TimeoutError:
        raise RuntimeError(f"rasa init exceeded {timeout:.0f} s:\n{tail(log_path)}") from None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0 or not has_model(workdir):
        raise RuntimeError(f"rasa init failed (rc={process.returncode}):\n{tail(log_path)}")


def start_starter(workdir: Path, timeout: float = 300.0) -> StarterBot:
    """``rasa run --enable-api`` of the trained project in ``workdir`` on a free loopback port.

    Returns once ``GET /status`` answers 200 (the model is loaded). The log is ``rasa-run.log``
    next to ``workdir``.

    Raises:
        RuntimeError: when it dies or is not ready within ``timeout`` s (with its log).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = workdir.parent / "rasa-run.log"
    process = start_http_process(
        ["-m", "rasa", "run", "--enable-api", "-i", "127.0.0.1", "--port", str(port)],
        f"{url}/status", log_path, env=STARTER_ENV, timeout=timeout, cwd=workdir,
    )
    return StarterBot(url, process, log_path)
