"""Shared test setup: Qt renders offscreen unless a test asks for a real display; hypothesis
judges correctness, not speed (tests that bound time set their own deadline)."""

import os

from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

settings.register_profile("gdsim", deadline=None, print_blob=True)
settings.register_profile("gdsim-ci", parent=settings.get_profile("gdsim"), derandomize=True,
                          database=None)
settings.load_profile("gdsim-ci" if os.environ.get("CI") else "gdsim")
