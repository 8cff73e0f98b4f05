"""``python -m tradewinds`` runs the CLI."""

import sys

from tradewinds.cli.entry import main

sys.exit(main())
