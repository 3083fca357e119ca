import sys

from ecologis.gui.app import main

sys.exit(main())
