from tests.fixtures.feed_server import feed_server

__all__ = ["feed_server"]
