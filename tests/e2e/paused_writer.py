"""``python paused_writer.py SECONDS ARGS...``: ``tradewinds ARGS`` whose store writes pause.

Each write transaction of the results store sleeps ``SECONDS`` after its inserts and before
``COMMIT`` (through :attr:`tradewinds.store.ResultsStore.before_commit`), first touching
``in-transaction.<pid>`` in the store directory so that a test knows it is there.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> int:
    """Install the pause, then run the CLI on the remaining arguments."""
    from tradewinds.cli.main import main as cli
    from tradewinds.store import ResultsStore

    seconds = float(sys.argv[1])
    args = sys.argv[2:]
    store_dir = Path(args[args.index("--store") + 1])

    def pause() -> None:
        (store_dir / f"in-transaction.{os.getpid()}").touch()
        time.sleep(seconds)

    ResultsStore.before_commit = staticmethod(pause)
    return cli(args)


if __name__ == "__main__":
    sys.exit(main())
