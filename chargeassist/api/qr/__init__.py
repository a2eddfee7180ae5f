"""QR parsing for drivers."""

from .controllers import QrController, QrParseRequest, QrParseResponse

__all__ = ["QrController", "QrParseRequest", "QrParseResponse"]
