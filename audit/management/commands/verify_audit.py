from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.checkpoint import CheckpointError, checkpoint_latest, checkpoint_path
from audit.models import AuditEvent
from audit.protection import protection_gaps
from audit.verify import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain against its latest checkpoint. Exits 0 when it is intact; otherwise "
        "names the first broken event and exits 1 (2 when the checkpoint file cannot be read)."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = checkpoint_latest()
        except CheckpointError as error:
            raise CommandError(str(error), returncode=2) from None
        verification = audit_verify(checkpoint=checkpoint)
        for trigger in protection_gaps(connection):
            self.stderr.write(
                self.style.WARNING(
                    _("Warning: the trigger %(trigger)s that protects audit events is missing or disabled.")
                    % {"trigger": trigger}
                )
            )
        if verification.finding is not None:
            self.stderr.write(self.style.ERROR(verification.finding.message))
            raise SystemExit(1)
        if checkpoint is None:
            if _checkpoint_overdue():
                # Events older than two checkpoint intervals and no checkpoint: the file was removed, or never kept
                # where it should be. Without it a rewritten, re-chained log would look intact.
                raise CommandError(
                    _(
                        "No checkpoint file at %(path)s although events are older than %(minutes)d minutes: restore it."
                    )
                    % {"path": checkpoint_path(), "minutes": 2 * CHECKPOINT_MINUTES},
                    returncode=2,
                )
            self.stderr.write(
                self.style.WARNING(
                    _("No checkpoint yet: a rewritten tail cannot be detected until one is written.")
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("The audit log is intact: %(count)s events, the last %(sequence)s (hash %(hash)s).")
                % {
                    "count": verification.events,
                    "sequence": verification.last_sequence,
                    "hash": verification.last_hash,
                }
            )
        )
        if checkpoint is not None:
            self.stdout.write(
                _("It agrees with the checkpoint of %(at)s (event %(sequence)s).")
                % {"at": checkpoint.at, "sequence": checkpoint.sequence}
            )
            if _events_after_overdue(checkpoint.sequence):
                # The beat task that writes them has stopped (a failing worker, a checkpoint directory it cannot
                # write): the events since are not vouched for, though the log still verifies.
                self.stderr.write(
                    self.style.WARNING(
                        _(
                            "Warning: events more than %(minutes)d minutes old came after the latest checkpoint: checkpoints are no longer being written. Check the Celery beat and worker logs."
                        )
                        % {"minutes": 2 * CHECKPOINT_MINUTES}
                    )
                )


# Beat writes a checkpoint every 10 minutes (config/celery.py).
CHECKPOINT_MINUTES = 10


def _overdue_since():
    return timezone.now() - timedelta(minutes=2 * CHECKPOINT_MINUTES)


def _checkpoint_overdue() -> bool:
    first = AuditEvent.objects.order_by("sequence").values_list("at", flat=True).first()
    return first is not None and first < _overdue_since()


def _events_after_overdue(sequence: int) -> bool:
    """Whether an event after checkpoint `sequence` is older than two checkpoint intervals."""
    return AuditEvent.objects.filter(sequence__gt=sequence, at__lt=_overdue_since()).exists()
