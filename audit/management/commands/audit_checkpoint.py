from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.checkpoint import ChainBrokenError, CheckpointError, checkpoint_path, checkpoint_write


class Command(BaseCommand):
    help = (
        "Append the audit chain's last event (sequence, hash, time) to the checkpoint file outside the database, "
        "after checking the events since the previous checkpoint (what Celery beat runs every 10 minutes)."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = checkpoint_write()
        except CheckpointError as error:
            raise CommandError(str(error), returncode=2) from None
        except ChainBrokenError as error:
            self.stderr.write(self.style.ERROR(str(error)))
            raise SystemExit(1) from None
        if checkpoint is None:
            self.stdout.write(_("No new audit events since the last checkpoint; nothing written."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Checkpoint written to %(path)s: event %(sequence)s, hash %(hash)s.")
                    % {"path": checkpoint_path(), "sequence": checkpoint.sequence, "hash": checkpoint.hash}
                )
            )
