"""Default settings. Every key can be overridden by a WATCH_<KEY> environment
variable (values are parsed as JSON when they parse, else taken as strings)."""

# "development" (make run), "testing" (the suite) or "production" (the default,
# so that a forgotten setting fails closed).
ENV = "production"

# None: SQLite in the instance folder, allowed only outside production.
DATABASE_URL = None
DATABASE_ECHO = False

# None: generated into the instance folder on first run (refused in production).
SECRET_KEY = None

# Babel: Swedish first.
BABEL_DEFAULT_LOCALE = "sv"
BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
LANGUAGES = ["sv", "en"]

# Requests and cookies.
MAX_CONTENT_LENGTH = 12 * 1024 * 1024
SESSION_COOKIE_NAME = "watch_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
WTF_CSRF_TIME_LIMIT = 60 * 60 * 8

# Rate limits (Flask-Limiter); memory:// per process, redis://127.0.0.1:6379 to share.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_ENABLED = True
RATELIMIT_LOGIN = "10 per minute;100 per day"
RATELIMIT_REGISTER = "5 per minute;50 per day"

# Passwords (argon2id); the suite lowers the cost.
PASSWORD_MIN_LENGTH = 10
ARGON2_TIME_COST = 3
ARGON2_MEMORY_COST = 65536
ARGON2_PARALLELISM = 2

# Content-Security-Policy sources that may be added for tiles (see MAP_TILE_URL).
CSP_EXTRA_IMG_SRC = []

# Map tiles: configurable, never fetched by the server.
MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILE_ATTRIBUTION = "&copy; OpenStreetMap contributors"
MAP_DEFAULT_CENTER = [58.75, 17.0]
MAP_DEFAULT_ZOOM = 10

# Emergency numbers shown on every page.
EMERGENCY_NUMBER = "112"
NON_URGENT_NUMBER = "114 14"
