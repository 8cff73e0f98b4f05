"""``python -m tradewinds`` runs the CLI."""

import sys

from tradewinds.cli.main import main

sys.exit(main())
