"""Textual screens: thin views over ``services``. One screen per step or wizard.

Step screens live in ``screens/steps/<module>.py`` (mirroring ``services/steps/``), each a
:class:`screens.step.StepScreen` subclass named in ``screens.steps.SCREENS``, the one map from step
id to screen; a step not in it gets the generic screen.
"""
