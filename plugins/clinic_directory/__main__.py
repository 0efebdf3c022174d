from clinic_directory.cli import main

raise SystemExit(main())
