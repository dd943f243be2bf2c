"""The embedded default's broker: kombu's filesystem transport, with each message in the queue folder whole or not
at all (docs/adr/0002-embedded-default.md).

kombu's own Channel._put creates the message file in the queue folder and only then writes it. A worker that polls
the folder in between takes the still-empty file, fails to decode it and stops with "Unrecoverable error:
JSONDecodeError" (celery/kombu#1551, open), and the message is gone. Beat publishes its due jobs the moment the
worker starts, so it happened on restarts of `make run`; the run script then stops the portal with its worker.

Here a message is written under a name the queue does not read (`….msg.part`: Channel._get takes only names
ending in `.<queue>.msg`) and renamed into place, atomic within one folder. A file in the queue that still does
not decode (a crash of the disk, a file put there by hand) is logged and passed by rather than stopping the worker:
the work itself is in the database (outboxes, pending documents) and the periodic sweeps take it up again.
"""

import contextlib
import logging
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # kombu's naming, the time first so that the oldest is taken first; kombu reads the folder in the order
        # of the names, so the time has a fixed width (else 9999_… would come after 10000_…).
        name = f"{round(monotonic() * 1000):016d}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.part"
        body = str_to_bytes(dumps(payload))  # before the file: a payload that does not serialise leaves none
        try:
            with open(partial, "wb") as file:
                file.write(body)
            os.replace(partial, final)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.remove(partial)  # a disk full mid-write leaves no part behind
            raise ChannelError(f"Cannot add file {final!r} to directory") from error

    def _get(self, queue):
        while True:  # each undecodable file is removed by the attempt, so this ends with a message or Empty
            try:
                return super()._get(queue)
            except ValueError as error:
                logger.error(
                    "A message file of queue %r was not a whole message and is skipped: %s", queue, error
                )


class Transport(filesystem.Transport):
    Channel = Channel

    # A folder on this machine has no host. kombu's virtual transports default to "localhost" and then warn on
    # every connection, the worker's and the portal's, that no hostname was supplied: noise on each `make run`.
    default_connection_params = {}
