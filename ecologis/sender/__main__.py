import sys

from ecologis.sender.cli import main

sys.exit(main())
