"""python -m roost: the click CLI, after checking the runtime it needs."""
import sys

if sys.version_info < (3, 9):  # keep this file parseable by old Pythons
    sys.stderr.write("roost: python: Python %d.%d is too old: install Python 3.9 or newer\n"
                     % sys.version_info[:2])
    sys.exit(69)


def _need(module, package):
    import os
    # A look at sys.path instead of importing: sqlite_utils is costly to
    # import and most commands never need it.
    if not any(os.path.isdir(os.path.join(p or ".", module)) or
               os.path.isfile(os.path.join(p or ".", module + ".py")) for p in sys.path):
        sys.stderr.write("roost: python: missing Python package '%s': install it with "
                         "'%s -m pip install click sqlite-utils' (or reinstall roost)\n"
                         % (package, sys.executable))
        sys.exit(69)


_need("click", "click")
_need("sqlite_utils", "sqlite-utils")


def run():
    from roost.cli import main
    main()


if __name__ == "__main__":
    run()
