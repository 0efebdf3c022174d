"""Settings for the public site: real clinics only, absolute URLs.

Set SITEURL to where the site is served, sub-path included, e.g.
``SITEURL=https://example.org/ketamine-directory make publish``.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://ketamine-directory.example").rstrip("/")
RELATIVE_URLS = False
CLINICS_PATHS = ["clinics"]  # samples/ is never published
CLINIC_PUBLISH = True  # and any `sample: true` record stops the build
