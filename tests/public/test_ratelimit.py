"""The rate limit of the public forms: held in the database, keyed by a hash."""

import threading

import pytest
from django.db import connection

from aiguillage.core.models import RateLimitCounter
from aiguillage.core.ratelimit import client_address, client_key, hit

pytestmark = pytest.mark.django_db

AWA = {"first_name": "Awa", "email": "awa@exemple.fr"}


@pytest.fixture
def limit(settings):
    settings.PUBLIC_RATE_LIMIT = 3
    settings.PUBLIC_RATE_LIMIT_WINDOW = 3600
    settings.PUBLIC_RATE_LIMIT_PROXIES = 0
    return 3


def post(client, url, address="203.0.113.7", **headers):
    return client.post(url, {"first_name": ""}, REMOTE_ADDR=address, **headers)


def test_over_the_limit_every_public_post_answers_429_in_plain_french(
    client, limit, site, workshop
):
    url = f"/p/pic/ateliers/{workshop.pk}/"
    for _ in range(limit):
        assert post(client, url).status_code == 400  # counted, even when refused
    response = post(client, url)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Trop de demandes" in page
    assert "appelez la bibliothèque, ou venez nous voir" in page
    assert 'href="tel:04 67 00 00 00"' in page  # the network's sites, to call
    assert 0 < int(response["Retry-After"]) <= 3601
    # Every kind of public POST is counted in the same budget.
    assert post(client, "/p/pic/creneaux/999999/reserver/").status_code == 429
    assert post(client, "/p/pic/gerer/jeton/annuler/").status_code == 429
    assert post(client, "/p/pic/gerer/jeton/changer/").status_code == 429
    # Reading is never limited; another address is not affected.
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert post(client, url, address="203.0.113.8").status_code == 400


def test_a_successful_booking_counts_too(client, limit, workshop):
    url = f"/p/pic/ateliers/{workshop.pk}/"
    for n in range(limit):
        data = {"first_name": f"P{n}", "email": f"p{n}@exemple.fr"}
        assert client.post(url, data, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert client.post(url, AWA, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert workshop.registrations.count() == limit


def test_the_table_holds_a_keyed_hash_never_the_address(client, limit, settings, workshop):
    post(client, f"/p/pic/ateliers/{workshop.pk}/", address="192.0.2.44")
    (counter,) = RateLimitCounter.objects.all()
    assert "192.0.2.44" not in counter.bucket and "192-0-2-44" not in counter.bucket
    assert counter.hits == 1
    key = counter.bucket.split(":", 1)[1]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    other = post(client, f"/p/pic/ateliers/{workshop.pk}/", address="192.0.2.44")
    assert other.status_code == 400
    assert RateLimitCounter.objects.exclude(bucket__endswith=key).count() == 1  # new hash


def test_switched_off_with_zero(client, settings, workshop):
    settings.PUBLIC_RATE_LIMIT = 0
    for _ in range(5):
        assert post(client, f"/p/pic/ateliers/{workshop.pk}/").status_code == 400
    assert not RateLimitCounter.objects.exists()


class TestClientAddress:
    def request(self, rf, remote="10.0.0.1", forwarded=None):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return rf.post("/", REMOTE_ADDR=remote, **headers)

    def test_without_a_proxy_the_forwarded_header_is_ignored(self, rf, settings):
        settings.PUBLIC_RATE_LIMIT_PROXIES = 0
        request = self.request(rf, remote="203.0.113.9", forwarded="1.2.3.4")
        assert client_address(request) == "203.0.113.9"

    def test_behind_our_proxies_the_entry_they_wrote_is_read(self, rf, settings):
        settings.PUBLIC_RATE_LIMIT_PROXIES = 1
        # The client typed "6.6.6.6" itself; our proxy appended the address it saw.
        request = self.request(rf, remote="127.0.0.1", forwarded="6.6.6.6, 203.0.113.9")
        assert client_address(request) == "203.0.113.9"
        settings.PUBLIC_RATE_LIMIT_PROXIES = 2
        request = self.request(rf, forwarded="6.6.6.6, 203.0.113.9, 10.0.0.2")
        assert client_address(request) == "203.0.113.9"
        # A header shorter than the proxies we declared: the direct peer is used.
        request = self.request(rf, remote="10.0.0.3", forwarded="203.0.113.9")
        assert client_address(request) == "10.0.0.3"

    def test_ipv6_counts_per_64_block_and_mapped_ipv4_as_ipv4(self, rf, settings):
        settings.PUBLIC_RATE_LIMIT_PROXIES = 0
        one = self.request(rf, remote="2001:db8:1:2:aaaa::1")
        two = self.request(rf, remote="2001:db8:1:2:bbbb::2")
        other = self.request(rf, remote="2001:db8:1:3::1")
        assert client_key(one) == client_key(two) != client_key(other)
        mapped = self.request(rf, remote="::ffff:192.0.2.1")
        assert client_address(mapped) == "192.0.2.1"
        assert client_address(self.request(rf, remote="pas une adresse")) == ""


class TestCounter:
    def test_counts_per_bucket_and_window_and_cleans_old_windows(self):
        assert [hit(bucket="s:a", window_seconds=60, now=1000.0) for _ in range(3)] == [1, 2, 3]
        assert hit(bucket="s:b", window_seconds=60, now=1001.0) == 1
        assert RateLimitCounter.objects.count() == 2
        # A new window starts from one, and the scope's finished windows are deleted.
        assert hit(bucket="s:a", window_seconds=60, now=1000.0 + 60) == 1
        assert list(RateLimitCounter.objects.values_list("bucket", "window_start", "hits")) == [
            ("s:a", 1020, 1)
        ]

    def test_a_scope_with_shorter_windows_never_resets_another_scopes_counters(self):
        """The API counts per minute, the portal per hour: a new minute must not wipe
        the hour's count (that would lift the portal's limit every minute)."""
        assert [hit(bucket="post:x", window_seconds=3600, now=7200.0) for _ in range(3)][-1] == 3
        assert hit(bucket="api:x", window_seconds=60, now=7300.0) == 1
        assert hit(bucket="api:x", window_seconds=60, now=7400.0) == 1  # a new minute
        assert hit(bucket="post:x", window_seconds=3600, now=7500.0) == 4
        assert set(RateLimitCounter.objects.values_list("bucket", "window_start")) == {
            ("post:x", 7200),
            ("api:x", 7380),
        }

    @pytest.mark.django_db(transaction=True)
    def test_concurrent_hits_from_several_connections_are_all_counted(self):
        """Threads stand for gunicorn workers: each has its own database connection,
        and the atomic upsert loses no hit."""
        start = threading.Barrier(4)
        errors = []

        def worker():
            start.wait()
            try:
                for _ in range(10):
                    hit(bucket="shared", window_seconds=3600, now=7200.0)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors
        assert RateLimitCounter.objects.get(bucket="shared").hits == 40
