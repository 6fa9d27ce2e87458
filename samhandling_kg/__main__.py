"""``python -m samhandling_kg``: the ``samhandling`` command."""

from __future__ import annotations

import sys

from samhandling_kg.cli import main

sys.exit(main())
