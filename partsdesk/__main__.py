from partsdesk.cli import main

raise SystemExit(main())
