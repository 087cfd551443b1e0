"""Progress bars on a terminal (rich), silent when piped or asked to be quiet.

>>> with progress("working", total=2, enabled=False) as step:
...     step(); step()
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator


def wanted(quiet: bool = False) -> bool:
    """A bar only on an interactive stderr and without ``--quiet``."""
    return not quiet and bool(getattr(sys.stderr, "isatty", lambda: False)())


@contextmanager
def progress(label: str, total: int | None = None, *, enabled: bool | None = None
             ) -> Iterator[Callable[..., None]]:
    """Yield ``step(n=1, label=None)``; draws a rich bar on stderr when ``enabled``
    (default :func:`wanted`) and rich is installed, else does nothing."""
    if enabled is None:
        enabled = wanted()
    if enabled:
        try:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn)
        except ImportError:
            enabled = False
    if not enabled:
        yield lambda n=1, label=None: None
        return
    from rich.console import Console

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def step(n: int = 1, label: str | None = None) -> None:
            bar.update(task, advance=n, **({"description": label} if label else {}))

        yield step
