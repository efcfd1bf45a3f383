"""``python -m explorer``, and the bundle's executable: hands over to the command line.

The same executable starts the app's helper processes. ``multiprocessing`` starts its children
(the map checks) by running the app again, which ``freeze_support`` turns into the child in a
frozen bundle, and the guard below keeps out of ``python -m explorer``'s children. The SPARQL
engine is started with :data:`explorer.ENGINE_ARGUMENT` where there is no Python to run its file.
"""

import multiprocessing
import sys

from explorer import ENGINE_ARGUMENT

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.argv[1:2] == [ENGINE_ARGUMENT]:
        from explorer.sparql._engine_worker import main as serve

        serve(sys.argv[2:])
        raise SystemExit(0)
    from explorer.cli import main

    raise SystemExit(main())
