"""Location search."""

from .controllers import LocationController

__all__ = ["LocationController"]
