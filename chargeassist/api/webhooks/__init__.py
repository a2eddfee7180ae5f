"""Outbound webhooks of a partner: endpoints, their delivery log and replays."""

from .controllers import WebhookController

__all__ = ["WebhookController"]
