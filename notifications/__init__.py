"""In-app inbox and email through an outbox (issue: deadline engine)."""
