"""Settings for local development: the sample clinics included, relative URLs."""

from pathlib import Path

_here = Path(__file__).resolve().parent

SITENAME = "Ketamine Clinic Directory"
SITEURL = ""
RELATIVE_URLS = True
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
CLINIC_LANGUAGES = ["en", "es"]  # each but the first needs plugins/clinic_directory/locale/<lang>/

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["clinic_directory"]

# Record folders: real clinics, plus the fictional samples for local development.
CLINICS_PATHS = ["clinics", "samples"]

# Only pages are written from content/: the guide and the policy pages.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS = ["pages", "guide"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
DIRECT_TEMPLATES: list[str] = []
THEME_STATIC_PATHS: list[str] = []  # the plugin publishes theme assets under hashed names
STATIC_PATHS: list[str] = []
DELETE_OUTPUT_DIRECTORY = False  # the build swaps a finished folder into place instead
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Where "Suggest an edit" and "Report a problem" lead.
CLINIC_REPO_URL = "https://github.com/ketamine-directory/ketamine-directory"
CLINIC_ISSUE_URL = (
    "https://github.com/ketamine-directory/ketamine-directory/issues/new"
    "?template=report-wrong-information.yml&clinic={identity}"
)
CLINIC_CONTACT_EMAIL = "corrections@ketamine-directory.example"

# Map tiles. OpenStreetMap's public tiles are for development only: their usage
# policy forbids heavy production use. Point this at your own or a paid tile server.
CLINIC_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
CLINIC_TILE_ATTRIBUTION = "&copy; OpenStreetMap contributors"

# Front-end packages, installed from package-lock.json into node_modules.
CLINIC_VENDOR_ASSETS = {
    "vendor/leaflet/leaflet.js": "node_modules/leaflet/dist/leaflet.js",
    "vendor/leaflet/leaflet.css": "node_modules/leaflet/dist/leaflet.css",
    "vendor/supercluster/supercluster.min.js": "node_modules/supercluster/dist/supercluster.min.js",
}

CLINIC_ROOT = str(_here)
