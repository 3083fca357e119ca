"""Sender settings: ``<user config>/sender.json``, overridden by command-line options.

Every endpoint path and every field name of the wire format is configurable, because
the Ministry's technical instruction (the real API) is not public.
"""

from __future__ import annotations

import copy
import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ecologis.i18n import KeyedError
from ecologis.paths import user_config_dir, user_data_dir

CONFIG_NAME = "sender.json"

DEFAULT_PATHS = {
    "asv": "/api/v1/asv",
    "equipment": "/api/v1/equipment",
    "measurement": "/api/v1/measurements",
    "assessment": "/api/v1/assessments",
    "batch": "/api/v1/batches",
    "health": "/api/v1/health",
}


class ConfigError(KeyedError):
    """sender.json cannot be used: ``ConfigError(key, file=..., ...)``."""


@dataclass
class SenderConfig:
    endpoint: str = ""                  # https://host:port (paths below are appended)
    ca_file: str = ""                   # CA bundle for the server; empty = system store
    verify_server: bool = True          # False only with a visible warning
    client_cert: str = ""               # .p12/.pfx, or PEM certificate (with client_key)
    client_key: str = ""                # PEM private key when client_cert is PEM
    password_env: str = ""              # name of an env var holding the certificate password
    use_keyring: bool = False           # keep the password in the OS keyring
    outbox: str = ""                    # SQLite file; empty = <user data>/sender/outbox.sqlite3
    inbox: str = ""                     # folder watched by `run`; empty = <user data>/sender/inbox
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    batch_size: int = 100               # 1 = one request per record
    deadline_hours: float = 24.0        # the draft transfer procedure (2025), p. 13
    outage_minutes: float = 15.0        # no successful exchange for this long = an outage (p. 13)
    retention_days: float = 90.0        # delivered records and their audit rows are kept this long
    warn_hours: float = 2.0             # warn when less than this is left
    backoff_base_s: float = 2.0
    backoff_cap_s: float = 600.0
    poll_interval_s: float = 2.0
    idempotency_header: str = "Idempotency-Key"
    paths: dict = field(default_factory=lambda: dict(DEFAULT_PATHS))
    field_names: dict = field(default_factory=dict)   # our name -> wire name

    # ---- derived ---------------------------------------------------------------
    def outbox_path(self) -> Path:
        return Path(self.outbox) if self.outbox else user_data_dir() / "sender" / "outbox.sqlite3"

    def inbox_path(self) -> Path:
        return Path(self.inbox) if self.inbox else user_data_dir() / "sender" / "inbox"

    def path_for(self, name: str) -> str:
        p = self.paths.get(name) or DEFAULT_PATHS[name]
        return p if p.startswith("/") else "/" + p

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "SenderConfig":
        known = {f for f in cls.__dataclass_fields__}
        cfg = cls(**{k: copy.deepcopy(v) for k, v in d.items() if k in known})
        paths = dict(DEFAULT_PATHS)
        paths.update(cfg.paths or {})
        cfg.paths = paths
        return cfg


def config_file() -> Path:
    return user_config_dir() / CONFIG_NAME


def _expected_type(default) -> str:
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    if isinstance(default, float):
        return "number"
    if isinstance(default, str):
        return "text"
    return "object"


def _fits(value, kind: str) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "text":
        return isinstance(value, str)
    return isinstance(value, dict)


def check_config_dict(d, file: str) -> None:
    """Raise :class:`ConfigError` naming the file and the setting when ``d`` (decoded
    sender.json) is not an object or a known setting has the wrong type."""
    if not isinstance(d, dict):
        raise ConfigError("sender.config.not_object", file=file)
    defaults = SenderConfig()
    for name in SenderConfig.__dataclass_fields__:
        if name not in d:
            continue
        kind = _expected_type(getattr(defaults, name))
        if not _fits(d[name], kind):
            raise ConfigError("sender.config.bad_value", file=file, field=name,
                              expected=_TypeName(kind))
        if kind == "object":        # paths and field_names: text → text
            for k, v in d[name].items():
                if not isinstance(v, str):
                    raise ConfigError("sender.config.bad_value", file=file, field=f"{name}.{k}",
                                      expected=_TypeName("text"))


class _TypeName:
    """A type name translated when the message is rendered."""

    def __init__(self, kind: str):
        self.kind = kind

    def render(self, tr) -> str:
        return tr("sender.config.type." + self.kind)


def load_config(path: str | Path | None = None) -> SenderConfig:
    """The settings of ``path`` (default: the user's sender.json; missing = defaults).
    :class:`ConfigError` names the file, the place and the setting when it is malformed."""
    p = Path(path) if path else config_file()
    if p.exists():
        text = p.read_text(encoding="utf-8")
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise ConfigError("sender.config.bad_json", file=str(p), line=e.lineno, column=e.colno)
        except RecursionError:
            raise ConfigError("sender.config.bad_json", file=str(p), line="—", column="—")
        check_config_dict(d, str(p))
        return SenderConfig.from_dict(d)
    return SenderConfig()


def save_config(cfg: SenderConfig, path: str | Path | None = None) -> Path:
    from ecologis.io.atomic import atomic_write_text

    p = Path(path) if path else config_file()
    atomic_write_text(p, json.dumps(cfg.to_dict(), ensure_ascii=False, indent=2))
    return p


def apply_overrides(cfg: SenderConfig, args) -> SenderConfig:
    """Command-line options (argparse namespace) override the file's settings."""
    mapping = {
        "endpoint": "endpoint", "ca": "ca_file", "client_cert": "client_cert", "client_key": "client_key",
        "client_cert_password_env": "password_env", "outbox": "outbox", "inbox": "inbox",
        "batch_size": "batch_size", "timeout": "read_timeout_s",
    }
    for opt, attr in mapping.items():
        v = getattr(args, opt, None)
        if v is not None:
            setattr(cfg, attr, v)
    if getattr(args, "insecure", False):
        cfg.verify_server = False
    return cfg


def password_from_sources(cfg: SenderConfig) -> str | None:
    """Client-certificate password from the configured env var, then the OS keyring."""
    if cfg.password_env:
        v = os.environ.get(cfg.password_env)
        if v is not None:
            return v
    if cfg.use_keyring and cfg.client_cert:
        return keyring_get(cfg.client_cert)
    return None


KEYRING_SERVICE = "ecologis-sender"


def keyring_state(cert_path: str) -> tuple[str, str | None]:
    """("ok", password) | ("empty", None): the keyring has no password for this
    certificate | ("unavailable", None): no keyring backend (or module) on this machine."""
    try:
        import keyring

        pw = keyring.get_password(KEYRING_SERVICE, str(Path(cert_path).resolve()))
    except Exception:  # ImportError, keyring.errors.NoKeyringError, a locked or broken backend
        return "unavailable", None
    return ("ok", pw) if pw is not None else ("empty", None)


def keyring_get(cert_path: str) -> str | None:
    return keyring_state(cert_path)[1]


def missing_password_key(cfg: SenderConfig) -> str | None:
    """Why no password was found for an encrypted certificate, as a message key
    (``sender.cert.*``, parameters ``file`` and ``var``), or None (none was configured)."""
    env_missing = bool(cfg.password_env) and os.environ.get(cfg.password_env) is None
    if cfg.use_keyring and cfg.client_cert:
        state, _pw = keyring_state(cfg.client_cert)
        if state == "unavailable":
            return "sender.cert.no_keyring"
        if state == "empty" and not env_missing:
            return "sender.cert.keyring_empty"
    if env_missing:
        return "sender.cert.password_env_missing"
    return None


def keyring_set(cert_path: str, password: str) -> bool:
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, str(Path(cert_path).resolve()), password)
        return True
    except Exception:
        return False
