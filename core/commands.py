"""How a `zhifa-cli` subcommand is declared; each capability lists its own in COMMANDS."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable  # run(args, store) -> int, or run(args) when needs_store is False
    needs_store: bool = True
