"""Per-step screens; each module mirrors services/steps/<module>.py and defines SCREEN."""
