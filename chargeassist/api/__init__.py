"""The HTTP API: driver endpoints, operator endpoints, problem details and authentication."""

from ._auth import AuthMiddleware, Principal
from ._errors import PROBLEM_MEDIA_TYPE, ApiError, Problem, exception_handlers, problem_responses
from .health import health, ping
from .locations import LocationController
from .operator import OperatorController
from .qr import QrController
from .tokens import TokenController, WalletController

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "ApiError",
    "AuthMiddleware",
    "LocationController",
    "OperatorController",
    "Principal",
    "Problem",
    "QrController",
    "TokenController",
    "WalletController",
    "exception_handlers",
    "health",
    "ping",
    "problem_responses",
]
