"""Textual screens: thin views over ``services``. One screen per step or wizard.

Step screens live in ``screens/steps/<module>.py`` (mirroring ``services/steps/``) and define
``SCREEN``, a :class:`screens.step.StepScreen` subclass; a step without one gets the generic screen.
"""
