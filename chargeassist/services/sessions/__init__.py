"""Charging sessions: started by a driver's app or an RFID card, driven by what the charge point reports,
priced by the tariff engine when the transaction stops.

The engine is a stack of parts, each importing only parts below it: ``_records`` (compare-and-set transitions,
publishing, deadlines, lost transactions), ``_views``, ``_charger_commands`` (remote start and stop),
``_billing`` (pricing into the CDR), ``_payments`` (the payment steps the session asks for and what
the provider's answers do to it), ``_sweeper``, ``_driver`` (the API's use cases) and ``_charger`` (what the
CSMS calls). :class:`SessionService` composes them.
"""

from ._charger import IdTagStatus, StartedTransaction
from ._driver import SessionFilters, StartRequest
from ._service import SessionService
from ._views import CostLine, DataPoint, PaymentView, SessionView

__all__ = [
    "CostLine",
    "DataPoint",
    "IdTagStatus",
    "PaymentView",
    "SessionFilters",
    "SessionService",
    "SessionView",
    "StartRequest",
    "StartedTransaction",
]
