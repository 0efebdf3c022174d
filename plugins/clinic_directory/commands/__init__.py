"""Sub-commands of ``clinic-directory``; one module each, discovered by ``cli``."""
