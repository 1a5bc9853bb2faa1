"""`python -m extractor` is the `communique` command."""

import sys

from .cli import main

sys.exit(main())
