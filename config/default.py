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
# Trusted reverse proxies in front of the app (load balancer, nginx): with N > 0 the client address,
# scheme and host come from the last N X-Forwarded-* values, so rate limits count per client.
PROXY_HOPS = 0
RATELIMIT_ENABLED = True
RATELIMIT_LOGIN = "10 per minute;100 per day"
RATELIMIT_REGISTER = "5 per minute;50 per day"
# "Forgot your password?" and re-sent confirmation links: per client and per address.
RATELIMIT_RESET = "5 per 15 minutes;20 per day"

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

# --- Areas (watch.areas) ---
# Region that areas must lie in, as [min_lon, min_lat, max_lon, max_lat]: Sweden.
AREA_REGION_BBOX = [10.5, 55.0, 24.5, 69.5]
AREA_MAX_VERTICES = 5000
AREA_MIN_M2 = 1000  # a few house plots, or a single jetty
AREA_MAX_M2 = 500_000_000  # 500 km²: a long stretch of archipelago shore
AREA_UPLOAD_MAX_BYTES = 1024 * 1024
AREA_INVITE_MAX_AGE_DAYS = 14
AREA_INVITE_EMAIL_MAX = 20  # addresses per e-mailed invitation
# Contact representatives are trained at least once a year.
AREA_TRAINING_VALID_DAYS = 365
# How often (seconds) a process checks whether other processes changed areas.
AREA_INDEX_CHECK_SECONDS = 5
# "Nearby areas you may join" on the map: radius in metres.
AREA_NEARBY_M = 15000
AREA_PHOTO_MAX_BYTES = 8 * 1024 * 1024
AREA_PHOTO_MAX_SIDE = 1600

# PWA (watch.pwa): the installed app's name and colours, gzip for text responses.
PWA_NAME = "Trygg Granne – grannsamverkan och båtsamverkan"
PWA_SHORT_NAME = "Trygg Granne"
PWA_THEME_COLOR = "#0b4f8a"
PWA_BACKGROUND_COLOR = "#f6f7f9"
STATIC_GZIP = True
STATIC_GZIP_MIN_SIZE = 512

# Alerts (watch.alerts).
ALERTS_MAX_DISTANCE_M = 500  # how far outside a chosen area a position may lie
ALERTS_TEXT_MAX = 2000
ALERTS_CLOCK_SKEW_SECONDS = 300  # "observed at" may be this far in the future
ALERTS_OBSERVED_MAX_AGE_DAYS = 30
ALERTS_EXPIRE_HOURS = 72  # open alerts close as "expired" after this
ALERTS_RETENTION_DAYS = 365  # `alerts purge` deletes older alerts and photos
ALERTS_EXPIRE_CHECK_SECONDS = 60  # the registered task "alerts.expire" runs this often
ALERTS_RETENTION_CHECK_SECONDS = 3600  # the registered task "alerts.purge" runs this often
ALERTS_RATE_WINDOW_MINUTES = 10
ALERTS_RATE_PER_USER = 5  # police and admins are exempt
ALERTS_RATE_PER_AREA = 30
ALERTS_PHOTO_MAX_BYTES = 8 * 1024 * 1024
ALERTS_PHOTO_MAX_PIXELS = 40_000_000  # larger images are refused as decompression bombs
ALERTS_PHOTO_MAX_DIMENSION = 2048
ALERTS_PHOTOS_PER_ALERT = 4
ALERTS_PHOTO_DIR = None  # None: <instance>/alert-photos
ALERTS_PAGE_SIZE = 50
ALERTS_MAP_LIMIT = 1000
ALERTS_IDEMPOTENCY_HOURS = 48

# --- Push (watch.push) ---
# VAPID key (P-256): PEM or the raw 32-byte scalar in base64url. None: generated
# into the instance folder on first run; refused in production, where every app
# server and worker must share one key.
VAPID_PRIVATE_KEY = None
# Who the push services may contact: mailto: or https:. Required in production;
# localhost-style subjects are refused (Apple rejects them).
VAPID_SUBJECT = None
# Push services subscriptions may point at: FCM, Mozilla, Apple, Microsoft.
PUSH_ALLOWED_HOSTS = ["fcm.googleapis.com", "*.push.services.mozilla.com", "*.push.apple.com", "*.notify.windows.com"]
# host:port pairs allowed over plain http and on loopback: for the test push service only.
PUSH_ALLOW_INSECURE_HOSTS = []
PUSH_MAX_DEVICES_PER_USER = 20
# A delivery worker thread in every app process (the embedded default); production
# runs `python -m watch.push` worker processes instead.
PUSH_WORKER_INPROCESS = True
# Deliveries a worker claims at once and hands to the sender (a killed worker strands at most
# these, for one PUSH_LEASE_SECONDS). bench/push_fanout.py --realistic (2026-11-30, quiet, 10,000
# devices, three push services at 50 ms): 8.75 s with 500, 7.21 s with 1,000, 6.29 s with 2,000.
PUSH_BATCH_SIZE = 1000
# An alert to more devices than this is written as its police deliveries plus a fan-out job that
# workers expand in chunks of PUSH_FANOUT_CHUNK. bench/alert_post.py measures the line (2026-11-30,
# load 2.2-2.8, median POST, inline vs police + job): PostgreSQL 12.3 vs 11.4 ms at 200 devices,
# 14.3 vs 12.6 at 300, 18.8 vs 13.3 at 500, 109 vs 23 at 10,000; SQLite 7.4 vs 6.5 at 200, 8.7 vs
# 7.1 at 500. Up to 200 inline costs the POST at most ~1 ms and every member's delivery exists when
# it answers; above, it grows ~10 ms per 1,000 devices, while a job delays the members only by a
# worker's wake-up and its expansion (~25 ms at 300-1,000 devices).
PUSH_FANOUT_INLINE_MAX = 200
PUSH_FANOUT_CHUNK = 2000
PUSH_LEASE_SECONDS = 15  # a killed worker's claims are taken over after this; renewed while it works
PUSH_POLL_SECONDS = 5.0  # fallback poll next to LISTEN/NOTIFY (PostgreSQL)
PUSH_POLL_SECONDS_SQLITE = 0.5
# Retries go on by time, not by count, until the message's TTL would have expired.
PUSH_BACKOFF_FLOOR_SECONDS = 1.0  # never retry sooner than this (a dropped connection has no Retry-After)
# Per push service: after this many network errors or 5xx in a row, stop sending to it,
# probe with one request after the cool-down (doubling up to the maximum), resume when it answers.
PUSH_BREAKER_FAILURES = 5
PUSH_BREAKER_COOLDOWN_SECONDS = 1.0
PUSH_BREAKER_MAX_COOLDOWN_SECONDS = 30.0
PUSH_BACKOFF_BASE_SECONDS = 2.0
PUSH_BACKOFF_CAP_SECONDS = 600.0
# Requests in flight per push service (HTTP/1.1: one connection each). At a 50 ms round trip one
# connection carries ~20 pushes a second, so 32 capped one push service at ~640/s (10,000 phones
# took 16-18 s in bench/push_fanout.py --realistic); 128 lets the worker's CPU set the pace.
PUSH_CONNECTIONS = 512  # all push services together (FCM, Apple, Mozilla, Windows: 4 x 128)
PUSH_PER_HOST_CONCURRENCY = 128
PUSH_TIMEOUT_SECONDS = 10.0
# Egress proxy for push requests (WATCH_PUSH_PROXY, an http:// URL; https is tunnelled with CONNECT
# to the address that passed the address check). None: connect directly.
PUSH_PROXY = None
# Tests only: trust this CA file (and nothing else) for push services instead of certifi's roots.
PUSH_TEST_CA_FILE = None
# Time to live at the push service (never 0 for alerts), by category.
PUSH_TTL_SECONDS = 12 * 3600
PUSH_TTL_BY_CATEGORY = {"information": 3 * 24 * 3600, "graffiti": 24 * 3600}
# Burglary-type categories: Urgency high, and "urgent only" preferences get them.
PUSH_URGENT_CATEGORIES = ["burglary", "boat_theft"]
PUSH_TIMEZONE = "Europe/Stockholm"  # for quiet hours
# Not acknowledged by a police contact after this long: push to the municipality's
# other police users and admins.
PUSH_ESCALATE_AFTER_MINUTES = 15
PUSH_ESCALATION_CHECK_SECONDS = 30
PUSH_ESCALATION_WINDOW_HOURS = 24  # older alerts are never escalated
PUSH_DELIVERY_RETENTION_DAYS = 30  # delivery records (receipts) are kept this long
PUSH_DELIVERY_PURGE_SECONDS = 3600  # how often the workers (or `flask tick`) run that purge
# Operators' metrics (Prometheus text) at /metrics, only for these client addresses or networks.
PUSH_METRICS_ALLOWED = ["127.0.0.1", "::1"]
# A `python -m watch.push` worker serves its own metrics on this port (0: off), bound to PUSH_METRICS_BIND.
PUSH_METRICS_PORT = 0
PUSH_METRICS_BIND = "127.0.0.1"

# --- Mail (watch.mail) ---
# The address users reach the app at; every link in e-mail is built from it
# (never from a request's Host header). Required (https://) in production;
# development defaults to http://127.0.0.1:5000.
PUBLIC_URL = None
# SMTP (Flask-Mail). Without MAIL_SERVER, development and tests write each
# message as an .eml file into MAIL_FILE_DIR (default <instance>/mail) and print
# one line with its link; production refuses to start unless MAIL_DISABLED.
MAIL_SERVER = None
MAIL_PORT = 587
MAIL_USE_TLS = True  # STARTTLS on MAIL_PORT
MAIL_USE_SSL = False  # implicit TLS (port 465) instead
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = None  # e.g. "Trygg Granne <noreply@kommun.se>"; required in production
MAIL_DISABLED = False  # run without e-mail at all: queue() stores nothing
MAIL_SUPPRESS_SEND = False  # Flask-Mail would otherwise suppress when TESTING
MAIL_FILE_DIR = None
MAIL_TIMEOUT_SECONDS = 20.0
MAIL_SEND_EVERY_SECONDS = 10.0  # the send task's interval in the worker loop
MAIL_BATCH_SIZE = 100
MAIL_LEASE_SECONDS = 300  # a killed worker's claimed messages are retried after this
MAIL_MAX_ATTEMPTS = 12  # then the message fails for good and admins are told
MAIL_BACKOFF_BASE_SECONDS = 30.0
MAIL_BACKOFF_CAP_SECONDS = 3600.0
MAIL_RETENTION_DAYS = 30  # sent and failed messages are deleted after this
MAIL_DIGEST_CHECK_SECONDS = 900  # how often the worker looks for due daily/weekly summaries
MAIL_ADMIN_NOTICE_MINUTES = 60  # admins hear about failed mail and push configuration at most this often

# Links in account e-mail (watch.accounts.links).
ACCOUNTS_RESET_LINK_MINUTES = 60  # a password reset link works once, this long
ACCOUNTS_CONFIRM_LINK_DAYS = 7  # an address confirmation link

# --- EST lägesbild (watch.est) ---
EST_RETENTION_DAYS = 3 * 365 + 1  # reports are purged after this; frozen pictures keep aggregates only
EST_RETENTION_CHECK_SECONDS = 3600
EST_GRID_METRES = 250  # hot-spot cell size: counts per cell, never points
EST_FUTURE_SLACK_MINUTES = 10  # clocks differ: a report this far ahead is still "now"
EST_MAX_PEOPLE = 500  # a larger head count is refused as absurd
EST_TOP_PLACES = 10
EST_REMINDER_HOURS = 24  # reminders go out this long before the cut-off
EST_REMINDER_CHECK_SECONDS = 900
EST_PHOTO_DIR = None  # default: <instance>/est-photos
EST_MAX_PHOTOS = 4

# --- Boat watch (watch.boats): away notices (grannlapp) ---
AWAY_MAX_DAYS = 180  # a longer absence is refused: it is not a grannlapp any more
AWAY_MAX_AHEAD_DAYS = 365  # an absence may be announced at most this far ahead
AWAY_KEEP_DAYS = 3  # a notice deletes itself this many days after the return
AWAY_PURGE_EVERY_SECONDS = 3600

# --- Safety walks (watch.walks) ---
WALKS_MEASURE_DUE_DAYS = 183  # a measure's default due date, and the "done within six months" target
WALKS_PHOTO_DIR = None  # default: <instance>/walk-photos
WALKS_RETENTION_DAYS = 10 * 365  # walks (with observations, measures, photos) older than this are purged
WALKS_RETENTION_CHECK_SECONDS = 3600

# --- Citizens' promises (watch.promises) ---
PROMISES_PHOTO_DIR = None  # default: <instance>/promise-photos

# --- Graffiti (watch.graffiti) ---
GRAFFITI_TARGET_HOURS_OFFENSIVE = 24  # service target for offensive or racist graffiti
GRAFFITI_TARGET_HOURS = 48  # service target for other graffiti
GRAFFITI_ESCALATION_CHECK_SECONDS = 300
GRAFFITI_PHOTO_DIR = None  # default: <instance>/graffiti-photos
GRAFFITI_RETENTION_DAYS = 3 * 365  # reports (and photos) older than this are purged
GRAFFITI_RETENTION_CHECK_SECONDS = 3600
GRAFFITI_DELIVERY_CHECK_SECONDS = 30  # the worker sends queued webhook and Open311 work orders this often
GRAFFITI_DELIVERY_TIMEOUT_SECONDS = 10.0
GRAFFITI_DELIVERY_MAX_ATTEMPTS = 10  # then the delivery fails for good (shown on the report)
GRAFFITI_DELIVERY_BACKOFF_SECONDS = 60.0  # doubled after each failed attempt, at most six hours
GRAFFITI_DELIVERY_LEASE_SECONDS = 120  # a killed worker's claimed delivery is retried after this
GRAFFITI_OUTBOUND_ALLOW_LOOPBACK = False  # tests only: lets webhooks and Open311 reach http://127.0.0.1

# --- Boat watch (watch.boats): vaktgång ---
WATCH_REMINDER_HOURS = 12  # the team gets an e-mail this long before its watch
WATCH_REMINDER_CHECK_SECONDS = 900

# --- Training (watch.training) ---
TRAINING_REMINDER_HOURS = 48  # people with a place get a reminder this long before a session
TRAINING_EXPIRY_WARNING_DAYS = 60  # contacts whose training runs out within this get the next sessions
TRAINING_REMINDER_CHECK_SECONDS = 900
TRAINING_RETENTION_DAYS = 3 * 365  # sessions and their registrations are deleted after this (training dates stay on the areas)
TRAINING_RETENTION_CHECK_SECONDS = 3600

# --- Night walks (watch.nightwalks): nattvandring ---
NIGHTWALKS_MIN_AGE = 18  # walkers are adults: a birth year that makes someone younger this year is refused
NIGHTWALKS_WARN_HOURS = 24  # an understaffed shift starting within this is reported to its group (once per shift)
NIGHTWALKS_WARN_CHECK_SECONDS = 900
NIGHTWALKS_CHECKIN_EARLY_MINUTES = 60  # check-in at the meeting point opens this long before the shift
NIGHTWALKS_RETENTION_DAYS = 3 * 365  # shifts (sign-ups, check-ins, debriefs) older than this are purged; grant reports need three years
NIGHTWALKS_RETENTION_CHECK_SECONDS = 3600

# --- Access log (watch/audit): who viewed alerts, photos, rosters, boat registers ---
AUDIT_RETENTION_DAYS = 2 * 365  # access records older than this are deleted
AUDIT_RETENTION_CHECK_SECONDS = 3600
