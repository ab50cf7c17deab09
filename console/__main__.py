"""``python -m console`` does exactly what the ``release-console`` script does."""

import sys

from console.cli import main

sys.exit(main())
