"""Charge Assist: an open-source EV charging backend."""
