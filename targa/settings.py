"""Targa's one settings module, read from the environment with django-environ (see .env.example)."""

import datetime
import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
# Commands that read the code but sign nothing and serve no one: they run without a key
# (a fresh clone, CI's `makemigrations --check`), unlike the web server and the worker.
KEYLESS_COMMANDS = {"makemigrations", "check", "compilemessages", "makemessages", "help"}
KEYLESS = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] in (
    [name] for name in KEYLESS_COMMANDS
)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING or KEYLESS:
        SECRET_KEY = "insecure-key-for-local-development-and-tests-only"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "targa.core.admin_site.TargaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "csp",
    "django_filters",
    "django_htmx",
    "import_export",
    "simple_history",
    "django_fsm",
    "django_fsm_log",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "targa.core",
    "provinces",
    "cpde",
    "valuechains",
    "projects",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, answered here with their compressed copies (.br, .gz, written by
    # collectstatic) and far-future caching for hashed names, before anything below runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and other text compressed with gzip (29.6 KB of HTML become 5 KB on a phone's
    # 3G): above every middleware that reads or writes the body, so it compresses last.
    # BREACH: since Django 4.2 GZipMiddleware adds 0-99 random bytes to each response's gzip
    # header ("Heal the Breach"), so its length no longer tells a secret byte by byte, and
    # the CSRF token in pages is masked afresh on every response anyway.
    "targa.core.middleware.TextGZipMiddleware",
    "targa.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "targa.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "targa.core.middleware.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a refused login into Targa's lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "targa.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "provinces.context_processors.province_switcher",
            ],
        },
    },
]

WSGI_APPLICATION = "targa.wsgi.application"

# An unset or empty DATABASE_URL means the SQLite file in the project folder.
DATABASES = {
    "default": env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several people saving at once, and the background worker, write to the same file:
    # readers read while one writes (WAL), a writer waits for the one before it (busy
    # timeout), and each request's transaction takes the write lock when it begins
    # (IMMEDIATE), since a transaction that reads first and writes later cannot wait: SQLite
    # would answer "database is locked" at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    # Tests use a file too (each test worker its own), so they run in the mode people use.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
# Each process keeps its database connection between requests, up to CONN_MAX_AGE seconds
# (0: a new one per request, 6-17 ms a page on PostgreSQL, and p95 doubled under load); a kept
# connection is checked before a request reuses it, so one the server dropped is replaced
# instead of failing the page. A DATABASE_URL's own ?conn_max_age= wins.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "targa.User"
# The first refuses a login while it is locked out (django-axes); the second signs people in
# (and is the one sessions remember); the third grants permissions by programme role.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "targa.core.backends.UsernameOrEmailBackend",
    "provinces.backends.ProgrammeRoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_HOURS", default=24) * 3600

# Login throttling (django-axes, failed attempts kept in the database). After
# LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_MINUTES, logging in is refused for that
# many minutes after the last failure: for one account from one address, and for one address
# whatever the accounts tried. A correct login clears that account's failures from that
# address (targa.core.lockout.forget_failures_on_login); an administrator can unlock a user
# from the user's page, an address from the admin's "Access attempts".
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Attempts refused during a lockout do not push its end back: the time the page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Logging in by e-mail or in other letter case counts against the same account.
AXES_USERNAME_CALLABLE = "targa.core.lockout.username_for_login"
AXES_CLIENT_IP_CALLABLE = "targa.core.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "targa.core.lockout.lockout_response"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "targa_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# The language cookie carries the same flags as the session's (set below with SECURE_COOKIES).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Look static files up when asked rather than scanning them all whenever the middleware loads
# (each test client loads it: 80 ms a client, minutes over the suite).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading puts the whole registrable domain (every subdomain, for months) on the browsers'
# HTTPS-only list: a decision for the domain's owner, not for one application on it. Off by
# default, and the check that recommends it is silenced only while HSTS itself is on (README).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a reverse proxy, the client's address is the last one the proxy added to
# X-Forwarded-For (see targa.core.lockout.client_address).
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "targa.core.views.csrf_failure"

# Content-Security-Policy (django-csp): every script, style, font and image comes from Targa
# itself; no inline script, style attribute or event handler runs (tests/test_csp.py keeps the
# templates free of them). Bootstrap draws its icons in forms with data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# On the admin's pages, added to the policy above: the inline bits of third-party pages,
# each allowed by the hash of its exact text and nothing else ('unsafe-hashes' lets a hash
# match an attribute). django-simple-history's history list: style="border-top: 0";
# django-import-export's export form: style="padding: 0;", style="font-weight: bold;" and
# the "select all" box's onchange="onSelectToggleChange(event)". A library upgrade that
# changes them fails tests/test_security_headers.py and shows in tests/browser/test_csp.py.
CONTENT_SECURITY_POLICY_ADMIN = {
    "style-src-attr": [
        UNSAFE_HASHES,
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        "'sha256-mHgUAqxc8GPXM/QhzkHrHujcrQTU9fd6ZjWz+icxKcA='",
        "'sha256-+YWRMZ88jMyO7jVlBA52tZADiPobPIUA8LAWee68Fvs='",
    ],
    "script-src-attr": [UNSAFE_HASHES, "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
}
# Browser features no page uses, refused to the pages and anything they might embed. Photos
# are taken through file inputs, which need no camera permission.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "hid",
        "screen-wake-lock",
        "xr-spatial-tracking",
        "browsing-topics",
    )
}

# Outgoing mail (password resets): printed on the console unless EMAIL_URL names an SMTP
# server, e.g. smtp+tls://user:password@smtp.example.org:587 (see the README).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="targa@localhost")

# simple-history keeps who changed what; the user comes from the request middleware.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"

PAGE_SIZE = env.int("PAGE_SIZE", default=25)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

FORM_RENDERER = "targa.core.forms_renderer.BootstrapFormRenderer"
FORMAT_MODULE_PATH = ["targa.formats"]
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=10)
# The largest image accepted, in pixels (width × height): a phone's 64-megapixel photo
# passes; a small file that would unpack into gigabytes of pixels is refused before decoding.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=64_000_000)

# Background jobs (django-tasks with its database backend): `manage.py db_worker` runs them;
# scripts/run starts one beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A list export larger than this runs as a background job with a progress bar.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2000)
# Project holders the demo gives each programme province (`manage.py seed_demo`); the tests
# seed fewer (tests/conftest.py), except the demo's own test.
DEMO_HOLDERS_PER_PROVINCE = env.int("DEMO_HOLDERS_PER_PROVINCE", default=250)
# Spreadsheets imported (targa.core.imports): the largest file and the most lines one takes.
IMPORT_MAX_MB = env.int("IMPORT_MAX_MB", default=10)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# A running job whose worker has said nothing for this long was stopped: it is marked failed.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=120)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
