"""``python -m benchmarks run [--sizes 1,10,100,1000] [--quick]``; see benchmarks/run.py."""

from benchmarks.run import main

raise SystemExit(main())
