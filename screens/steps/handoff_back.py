"""Screen of step ``handoff-back``: see screens/handoff.py."""

from screens.handoff import HandoffScreen

SCREEN = HandoffScreen
