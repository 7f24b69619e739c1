"""`python -m app` is the same as `deference-bot`."""

import sys

from app.cli import main

sys.exit(main())
