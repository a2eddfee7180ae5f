"""The operator API."""

from .controllers import ChargePointRequest, OperatorController, QrCodeRequest, QrCodeResponse

__all__ = ["ChargePointRequest", "OperatorController", "QrCodeRequest", "QrCodeResponse"]
