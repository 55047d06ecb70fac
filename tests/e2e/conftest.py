"""pytest set-up for the e2e harness tests (tests/e2e)."""


def pytest_configure(config):
    # Same marker as tests/python/conftest.py, so `-m "not e2e"` skips the
    # tests that drive the real agent CLIs and no unknown-marker warning shows
    # when tests/e2e is run on its own.
    config.addinivalue_line("markers", "e2e: drives the real agent CLIs")


def pytest_terminal_summary(terminalreporter):
    # test_roost_e2e.py: how long each agent CLI run took.
    import sys
    mod = sys.modules.get("test_roost_e2e")
    for line in (mod.timing_table() if mod else []):
        terminalreporter.write_line(line)
