"""The one signal the deadline engine sends: some clocks changed (started, met, cancelled, paused, resumed, marked
overdue, or given a new due time).

It is sent inside the transaction that changed them, with `deadline_ids` (a list) and, when due times moved,
`previous_due` ({deadline id: the due time before}), so that what other apps derive
from clocks (a case's overdue mark, the board's daily figures, a supervision notice resolved by the act it pressed
for) changes in the same transaction, or not at all. The engine itself knows nothing of those apps.
"""

from django.dispatch import Signal

clocks_changed = Signal()
