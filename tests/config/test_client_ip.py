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


def test_a_port_is_dropped_and_an_address_written_one_way(settings):
    settings.PROXY_COUNT = 1
    for forwarded, client in [
        ("203.0.113.9:5678", "203.0.113.9"),
        ("[2001:DB8::1]:443", "2001:db8::1"),
        ("2001:0db8:0000::0001", "2001:db8::1"),
    ]:
        assert (
            get_client_ip_address(request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)) == client
        )


def test_an_entry_that_is_not_an_address_falls_back_to_the_peer(settings):
    settings.PROXY_COUNT = 1
    for forwarded in ("not-an-ip", "unknown", "[2001:db8::1", "1.2.3.4.5", "999.1.1.1"):
        assert get_client_ip_address(request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)) == (
            "10.0.0.2"
        ), forwarded
    assert get_client_ip_address(request(REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="junk")) is None


def test_an_ipv4_address_in_ipv6_dress_is_the_ipv4_address(settings):
    settings.PROXY_COUNT = 0
    assert get_client_ip_address(request(REMOTE_ADDR="::ffff:203.0.113.9")) == "203.0.113.9"


def test_rate_limits_count_an_ipv6_address_by_its_64():
    from config.client_ip import limit_key

    assert (
        limit_key("2001:db8:1:2:aaaa::1") == limit_key("2001:db8:1:2:bbbb:cccc:dddd:eeee") == "2001:db8:1:2::"
    )
    assert limit_key("2001:db8:1:3::1") == "2001:db8:1:3::"
    assert limit_key("203.0.113.9") == "203.0.113.9"
    assert limit_key("unknown") == "unknown"
