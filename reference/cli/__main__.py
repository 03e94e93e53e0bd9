import sys

from reference.cli.main import main

sys.exit(main())
