"""App tokens, wallets and tariff offers."""

from .controllers import TokenController, WalletController

__all__ = ["TokenController", "WalletController"]
