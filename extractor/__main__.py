"""``python -m extractor`` is the ``wujin`` command."""

from .cli import main

raise SystemExit(main())
