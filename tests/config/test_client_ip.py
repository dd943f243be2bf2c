"""Which address counts as the client's, with and without reverse proxies in front."""

from axes.helpers import get_client_ip_address
from django.test import RequestFactory


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_peer_is_the_client_whatever_the_header_says(settings):
    settings.PROXY_COUNT = 0
    assert get_client_ip_address(request(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")) == (
        "198.51.100.7"
    )


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(settings):
    settings.PROXY_COUNT = 1
    spoofed = request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert get_client_ip_address(spoofed) == "203.0.113.9"
    assert get_client_ip_address(request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")) == (
        "203.0.113.9"
    )


def test_behind_two_proxies(settings):
    settings.PROXY_COUNT = 2
    meta = {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9, 10.0.0.2"}
    assert get_client_ip_address(request(**meta)) == "203.0.113.9"


def test_a_missing_header_falls_back_to_the_peer(settings):
    settings.PROXY_COUNT = 1
    assert get_client_ip_address(request(REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
