"""The embedded default's broker (config/broker.py): a worker that polls while a message is being written sees it
whole or not at all, and a file in the queue that is not a message is passed by instead of stopping the worker.
Real kombu channels on a temporary folder; tests/test_embedded_smoke.py runs a task through it with make run."""

import os
from queue import Empty

import pytest
from kombu import Connection
from kombu.exceptions import ChannelError

import config.broker


@pytest.fixture
def channel(tmp_path):
    for folder in ("queue", "control", "processed"):
        (tmp_path / folder).mkdir()
    options = {
        "data_folder_in": str(tmp_path / "queue"),
        "data_folder_out": str(tmp_path / "queue"),
        "control_folder": str(tmp_path / "control"),
        "processed_folder": str(tmp_path / "processed"),
        "store_processed": False,
    }
    with Connection(
        "filesystem://", transport="config.broker:Transport", transport_options=options
    ) as connection:
        yield connection.default_channel


def test_a_worker_polling_while_a_message_is_written_sees_it_whole_or_not_at_all(channel, monkeypatch):
    assert isinstance(channel, config.broker.Channel)
    polled_meanwhile = []
    replace = os.replace

    def poll_then_replace(source, target):
        # The worker's poll in the instant the message is written but not yet in the queue.
        with pytest.raises(Empty):
            channel._get("celery")
        polled_meanwhile.append(sorted(os.listdir(channel.data_folder_in)))
        replace(source, target)

    monkeypatch.setattr(config.broker.os, "replace", poll_then_replace)
    channel._put("celery", {"body": "渲染文书", "n": 1})
    (written,) = polled_meanwhile[0]
    assert written.endswith(".celery.msg.part")  # it was there, written, under a name the queue does not read
    assert channel._get("celery") == {"body": "渲染文书", "n": 1}
    with pytest.raises(Empty):
        channel._get("celery")
    assert os.listdir(channel.data_folder_in) == []


def test_a_file_that_is_not_a_message_is_skipped_and_the_next_message_delivered(channel, caplog):
    queue = channel.data_folder_in
    # The folder is read in the order of the names: these two sort before any name _put gives a message.
    with open(os.path.join(queue, f"{0:016d}_0_empty.celery.msg"), "wb"):
        pass  # as kombu's own transport left it when a worker took a file it had not yet written
    with open(os.path.join(queue, f"{0:016d}_1_cut.celery.msg"), "wb") as file:
        file.write(b'{"body": "cut sh')
    channel._put("celery", {"n": 2})
    assert channel._get("celery") == {"n": 2}
    assert caplog.text.count("was not a whole message and is skipped") == 2
    with pytest.raises(Empty):
        channel._get("celery")
    assert os.listdir(queue) == []


def test_messages_are_taken_oldest_first_across_a_change_in_the_clocks_digits(channel, monkeypatch):
    for n, seconds in enumerate((9.998, 9.999, 10.0, 10.001)):
        monkeypatch.setattr(config.broker, "monotonic", lambda seconds=seconds: seconds)
        channel._put("celery", {"n": n})
    assert [channel._get("celery")["n"] for _ in range(4)] == [0, 1, 2, 3]


def test_a_message_that_cannot_be_written_leaves_nothing_in_the_queue(channel, monkeypatch):
    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config.broker.os, "replace", disk_full)
    with pytest.raises(ChannelError):
        channel._put("celery", {"n": 4})
    assert os.listdir(channel.data_folder_in) == []


def test_messages_of_other_queues_stay_where_they_are(channel):
    channel._put("other", {"n": 3})
    with pytest.raises(Empty):
        channel._get("celery")
    assert channel._get("other") == {"n": 3}


def test_a_connection_does_not_warn_of_a_missing_hostname(caplog):
    with Connection("filesystem://", transport="config.broker:Transport") as connection:
        connection.info()
    assert "hostname" not in caplog.text
