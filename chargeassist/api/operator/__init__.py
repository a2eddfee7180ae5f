"""The operator API."""

from .controllers import ChargePointRequest, OperatorController, QrCodeRequest, QrCodeResponse
from .tokens import IssuedTokenController, OperatorPaymentMethodController

__all__ = [
    "ChargePointRequest",
    "IssuedTokenController",
    "OperatorController",
    "OperatorPaymentMethodController",
    "QrCodeRequest",
    "QrCodeResponse",
]
