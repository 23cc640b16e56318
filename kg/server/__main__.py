"""``python -m kg.server``: run the server (the same as ``kg serve``)."""

import sys

from kg.server.run import main

if __name__ == "__main__":
    sys.exit(main())
