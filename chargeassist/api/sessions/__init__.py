"""Charging sessions of an app token: start, status, stop, history and live updates."""

from .controllers import SessionController

__all__ = ["SessionController"]
