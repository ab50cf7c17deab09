"""Screen of step ``handoff-out``: see screens/handoff.py."""

from screens.handoff import HandoffScreen

SCREEN = HandoffScreen
