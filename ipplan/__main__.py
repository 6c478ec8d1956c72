"""The ``ipplan`` program: the console script (``ipplan.__main__:main``), ``python -m ipplan``."""

import gc
import os


def main() -> None:
    """Run ipplan's command line (:mod:`ipplan.cli`) as the ``ipplan`` program.

    The garbage collector waits while the command line's modules load, then leaves what they
    built out of every later collection (``gc.freeze``): typer, pydantic, the scenario models and
    the dataclasses leave some 50,000 objects for the collector to track, all living as long as
    the process, and scanning them during the imports and again at exit is about 7% of
    ``ipplan compare --nodes 50`` (issue 11).

    pydantic's plugins stay off (``PYDANTIC_DISABLE_PLUGINS``, unless the environment already
    says): the scenario models are ipplan's own, and looking for plugins reads the entry points
    of every installed distribution when the first model is built, about 1.5% of compare with
    the 45 distributions of ipplan's dev install and more in a larger environment. typer does the
    same for the TypeAdapters it builds for the options.

    Only the program does this: importing :mod:`ipplan.cli` (tests, the library) leaves the
    collector and the environment alone.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()
    try:
        from ipplan.cli import app
    finally:
        gc.freeze()
        gc.enable()
    app(prog_name="ipplan")


if __name__ == "__main__":
    main()
