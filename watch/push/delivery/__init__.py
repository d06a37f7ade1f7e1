"""Delivery: durable fan-out of alerts, claimed batches, the workers (`python -m watch.push`), wake-ups, escalation."""
