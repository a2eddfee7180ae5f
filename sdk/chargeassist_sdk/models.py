"""The API's request and answer types, generated from its OpenAPI document (``chargeassist_sdk._generated``)."""

from ._generated.models import *  # noqa: F403
from ._generated.models import __all__ as _generated_names

__all__ = list(_generated_names)
