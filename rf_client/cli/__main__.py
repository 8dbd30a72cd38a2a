"""``python -m rf_client.cli``: the same as the ``rf-client`` command."""

import sys

from rf_client.cli import main

sys.exit(main())
