"""What the dashboards app derives from the deadline engine's clocks_changed signal (connected in apps.py).

A signal, not a call from deadlines: the engine is floor 1 and knows nothing of supervision notices. It is sent in
the transaction of the clock change, so a notice is resolved or escalated together with the change, or not at all.
"""


def on_clocks_changed(sender, *, deadline_ids, **kwargs) -> None:
    """Resolve the notices on clocks met or cancelled, escalate red notices run out (dashboards.notices)."""
    from .notices import notices_follow_clocks

    notices_follow_clocks(deadline_ids)
