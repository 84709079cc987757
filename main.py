"""ContactBridge: run the app, or a headless command (see --help)."""

from app.cli import main

raise SystemExit(main())
