"""Enterprise profiles: the saved state of one plant's assessment.

A profile is JSON with ``schema_version``; it holds the enterprise, its emission
sources, the emissions, the methodology preset, optional site geometry and the
history of assessments.  Saving is atomic and keeps one backup (``*.bak``).
Feature areas may keep their own state under ``extensions`` (e.g.
``extensions["hazard_identification"]``), which is preserved as is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ecologis.core.model import Emission, EmissionSource, Enterprise
from ecologis.io.atomic import atomic_write_text

SCHEMA_VERSION = 1
PROFILE_KIND = "ecologis-profile"


class ProfileError(Exception):
    """A profile that cannot be opened; ``key``/``params`` give the translated reason."""

    def __init__(self, file: str, key: str, **params):
        super().__init__(f"{file}: {key} {params}")
        self.file = file
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        from ecologis.i18n import t, t_lang

        tr = (lambda k, **kw: t_lang(lang, k, **kw)) if lang else t
        return tr("io.error.prefix", file=self.file) + " " + tr(self.key, **self.params)


@dataclass
class Profile:
    enterprise: Enterprise = field(default_factory=Enterprise)
    sources: list[EmissionSource] = field(default_factory=list)
    emissions: list[Emission] = field(default_factory=list)
    preset: str = "ecologis-2025"
    site: dict | None = None            # GeoJSON geometry (WGS84) of the industrial site
    history: list[dict] = field(default_factory=list)
    extensions: dict = field(default_factory=dict)
    notes: str = ""
    read_only: bool = False             # opened from a newer schema version

    def to_json(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": PROFILE_KIND,
            "enterprise": self.enterprise.to_json(),
            "sources": [s.to_json() for s in self.sources],
            "emissions": [{k: v for k, v in e.to_json().items() if k != "row"} for e in self.emissions],
            "preset": self.preset,
            "site": self.site,
            "history": self.history,
            "extensions": self.extensions,
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, d: dict, file: str = "?") -> "Profile":
        if not isinstance(d, dict):
            raise ProfileError(file, "profile.error.not_object")
        ver = d.get("schema_version")
        if not isinstance(ver, int):
            raise ProfileError(file, "profile.error.no_version")
        emissions = []
        for i, e in enumerate(d.get("emissions") or [], start=1):
            if not isinstance(e, dict) or "substance" not in e:
                raise ProfileError(file, "profile.error.emission", row=i)
            em = Emission.from_json(e)
            em.row = i
            emissions.append(em)
        sources = []
        for i, s in enumerate(d.get("sources") or [], start=1):
            if not isinstance(s, dict) or not s.get("id"):
                raise ProfileError(file, "profile.error.source", row=i)
            sources.append(EmissionSource(**{k: v for k, v in s.items() if k in EmissionSource.__dataclass_fields__}))
        return cls(
            enterprise=Enterprise.from_json(d.get("enterprise")),
            sources=sources,
            emissions=emissions,
            preset=d.get("preset") or "ecologis-2025",
            site=d.get("site"),
            history=list(d.get("history") or []),
            extensions=dict(d.get("extensions") or {}),
            notes=d.get("notes") or "",
            read_only=ver > SCHEMA_VERSION,
        )


def load_profile(path: str | Path) -> Profile:
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ProfileError(p.name, "io.error.not_found") from None
    except OSError as e:
        raise ProfileError(p.name, "io.error.os", detail=e.strerror or str(e)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProfileError(p.name, "io.error.json", detail=str(e)) from None
    return Profile.from_json(doc, p.name)


def save_profile(profile: Profile, path: str | Path) -> None:
    """Atomic save (temp file, fsync, rename) keeping the previous file as ``.bak``."""
    if profile.read_only:
        raise ProfileError(Path(path).name, "profile.error.read_only")
    atomic_write_text(path, json.dumps(profile.to_json(), ensure_ascii=False, indent=1), backup=True)
