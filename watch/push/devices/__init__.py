"""Devices and choices: push subscriptions, the per-area levels and quiet hours, the one notifications page and its API."""
