import sys

from ecologis.cli import main

sys.exit(main())
