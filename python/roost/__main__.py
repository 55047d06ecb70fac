"""python -m roost: the click CLI, after checking the runtime it needs."""
import sys

if sys.version_info < (3, 9):  # keep this file parseable by old Pythons
    sys.stderr.write("roost: python: Python %d.%d is too old: install Python 3.9 or newer\n"
                     % sys.version_info[:2])
    sys.exit(69)


def _need(module, package):
    import importlib.util
    if importlib.util.find_spec(module) is None:
        sys.stderr.write("roost: python: missing Python package '%s': install it with "
                         "'%s -m pip install click sqlite-utils' (or reinstall roost)\n"
                         % (package, sys.executable))
        sys.exit(69)


_need("click", "click")
_need("sqlite_utils", "sqlite-utils")

from roost.cli import main  # noqa: E402

main()
