"""pytest set-up for the e2e harness tests (tests/e2e)."""


def pytest_configure(config):
    # Same marker as tests/python/conftest.py, so `-m "not e2e"` skips the
    # tests that drive the real agent CLIs and no unknown-marker warning shows
    # when tests/e2e is run on its own.
    config.addinivalue_line("markers", "e2e: drives the real agent CLIs")
