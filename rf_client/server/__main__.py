"""``python -m rf_client.server``: see :mod:`rf_client.server.cli`."""

from rf_client.server.cli import main

raise SystemExit(main())
