"""The ``ipplan`` program: the console script (``ipplan.__main__:main``), ``python -m ipplan``."""

import gc


def main() -> None:
    """Run ipplan's command line (:mod:`ipplan.cli`) as the ``ipplan`` program.

    The garbage collector waits while the command line's modules load, then leaves what they
    built out of every later collection (``gc.freeze``): typer, pydantic, the scenario models and
    the dataclasses leave some 50,000 objects for the collector to track, all living as long as
    the process, and scanning them during the imports and again at exit is about 7% of
    ``ipplan compare --nodes 50`` (issue 11).
    Only the program does this: importing :mod:`ipplan.cli` (tests, the library) leaves the
    collector alone.
    """
    gc.disable()
    try:
        from ipplan.cli import app
    finally:
        gc.freeze()
        gc.enable()
    app(prog_name="ipplan")


if __name__ == "__main__":
    main()
