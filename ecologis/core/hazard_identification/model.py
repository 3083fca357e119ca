"""Data model: the object, its inventory and the register record.

Sources:
* CMU resolution No. 690 of 07.07.2023, Порядок функціонування та ведення Державного
  електронного реєстру ОПН: p. 21 (events that change a record), p. 23 (enterprise
  fields), p. 24 (object fields), p. 25 (register number).
* Inventory columns per issue 8: ``name``, ``cas``, ``categories``, ``quantity_t``
  (maximum quantity that may be present, tonnes), plus the optional ``named_entry``
  (the id of a named-substance entry in ``resources/hazard_identification/named.csv``).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from typing import Any

from ecologis.i18n import KeyedError

#: Register events of resolution No. 690 p. 21, in the order the point lists them.
EVENT_TYPES: tuple[str, ...] = (
    "primary_identification",  # первинна ідентифікація до державної реєстрації
    "repeated_identification",  # повторна ідентифікація
    "registration",  # державна реєстрація
    "re_registration",  # перереєстрація
    "removal",  # зняття з обліку
    "registration_cancelled",  # скасування державної реєстрації
    "re_registration_cancelled",  # скасування перереєстрації
    "removal_cancelled",  # скасування зняття з обліку
)

RECORD_FORMAT = "ecologis.opn.register_record/1"


@dataclass
class InventoryItem:
    """One dangerous substance of the inventory (one row of the inventory file)."""

    name: str
    quantity_t: float
    cas: str = ""
    categories: tuple[str, ...] = ()
    named_entry: str = ""  # resolved id of the named entry ('' when none)
    row: int = 0  # row number in the source file (for messages)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cas": self.cas,
            "categories": ";".join(self.categories),
            "quantity_t": self.quantity_t,
            "named_entry": self.named_entry,
        }


@dataclass
class HazardSource:
    """A hazard source of the object with its main characteristics (p. 24, indent 5)."""

    name: str = ""
    kind: str = ""
    quantity: float | None = None  # count of units (tanks, vessels …)
    length_m: float | None = None  # length, e.g. of a pipeline
    characteristics: str = ""

    @classmethod
    def from_dict(cls, d: dict) -> "HazardSource":
        return cls(
            name=str(d.get("name", "")),
            kind=str(d.get("kind", "")),
            quantity=_opt_float(d.get("quantity")),
            length_m=_opt_float(d.get("length_m")),
            characteristics=str(d.get("characteristics", "")),
        )


@dataclass
class RegisteredEnterprise:
    """Business entity fields of resolution No. 690 p. 23 (the register's record of an enterprise;
    the project's own enterprise is :class:`ecologis.model.Enterprise`)."""

    name: str = ""  # найменування суб'єкта господарювання
    legal_address: str = ""  # юридична адреса
    edrpou: str = ""  # ідентифікаційний код юридичної особи
    rnokpp: str = ""  # РНОКПП фізичної особи - підприємця
    passport: str = ""  # серія (за наявності) і номер паспорта, if no РНОКПП
    kved: list[str] = field(default_factory=list)  # коди діяльності згідно з КВЕД
    other: str = ""  # інші реєстрові дані

    @classmethod
    def from_dict(cls, d: dict) -> "RegisteredEnterprise":
        kved = d.get("kved", [])
        if isinstance(kved, str):
            kved = [k.strip() for k in kved.replace(";", ",").split(",") if k.strip()]
        return cls(
            name=str(d.get("name", "")),
            legal_address=str(d.get("legal_address", "")),
            edrpou=str(d.get("edrpou", "")),
            rnokpp=str(d.get("rnokpp", "")),
            passport=str(d.get("passport", "")),
            kved=[str(k) for k in kved],
            other=str(d.get("other", "")),
        )


@dataclass
class HazardObject:
    """Object fields of resolution No. 690 p. 24 that the user enters."""

    name: str = ""  # найменування
    address: str = ""  # адреса місцезнаходження
    commissioning_date: str = ""  # дата введення в експлуатацію, ISO 8601 (YYYY-MM-DD)
    area_m2: float | None = None  # площа, m²
    hazard_sources: list[HazardSource] = field(default_factory=list)
    documents: str = ""  # відомості про документи за Законом «Про ОПН», розробник
    safety_audit: str = ""  # відомості за результатами аудиту системи управління безпекою
    insurance: str = ""  # договір страхування цивільної відповідальності
    other: str = ""

    @classmethod
    def from_dict(cls, d: dict) -> "HazardObject":
        return cls(
            name=str(d.get("name", "")),
            address=str(d.get("address", "")),
            commissioning_date=str(d.get("commissioning_date", "") or ""),
            area_m2=_opt_float(d.get("area_m2")),
            hazard_sources=[HazardSource.from_dict(s) for s in d.get("hazard_sources", []) or []],
            documents=str(d.get("documents", "")),
            safety_audit=str(d.get("safety_audit", "")),
            insurance=str(d.get("insurance", "")),
            other=str(d.get("other", "")),
        )


class RegisterEventError(KeyedError, ValueError):
    """A register event that cannot be recorded (unknown type, bad date); translated message."""


@dataclass
class RegisterEvent:
    """An event of resolution No. 690 p. 21 with its date."""

    type: str
    date: str  # ISO 8601 date
    note: str = ""
    registry_number: str = ""

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise RegisterEventError("opn.error.event_type", value=self.type)
        try:
            _dt.date.fromisoformat(self.date)
        except (TypeError, ValueError):
            raise RegisterEventError("opn.error.event_date", value=self.date) from None

    @classmethod
    def from_dict(cls, d: dict) -> "RegisterEvent":
        return cls(
            type=str(d.get("type", "")),
            date=str(d.get("date", "")),
            note=str(d.get("note", "")),
            registry_number=str(d.get("registry_number", "")),
        )


def sort_history(events: list[RegisterEvent]) -> list[RegisterEvent]:
    """History in date order (stable for events of the same day)."""
    return sorted(events, key=lambda e: e.date)


def _opt_float(v: Any) -> float | None:
    if v is None or v == "":
        return None
    return float(v)


def _section_letters(categories, tables) -> list[str]:
    out: list[str] = []
    for code in categories:
        c = tables.category(code)
        if c is not None and c.section not in out:
            out.append(c.section)
    return out


def build_register_record(
    enterprise: RegisteredEnterprise,
    obj: HazardObject,
    inventory: list[InventoryItem],
    result,
    events: list[RegisterEvent] | None = None,
    registry_number: str = "",
    tables=None,
) -> dict[str, Any]:
    """The register record (p. 23 enterprise, p. 24 object, p. 21 history) as a JSON-able dict.

    ``result`` is an :class:`~ecologis.core.hazard_identification.engine.IdentificationResult`
    (or ``None`` before identification); the object class (p. 24, indent 7) comes from it.
    ``tables`` are the threshold tables (by default those the result was identified with).
    The schema is ``docs/hazard_identification/register_record.schema.json``.
    """
    tables = tables if tables is not None else getattr(result, "tables", None)
    if tables is None:
        raise ValueError("build_register_record needs the threshold tables (or an identification result)")
    substances = []
    for item in inventory:
        named = tables.named_by_id(item.named_entry) if item.named_entry else None
        substances.append(
            {
                "name": item.name,
                "cas": item.cas,
                "hazard_sections": _section_letters(item.categories, tables),
                "categories": list(item.categories),
                "named_entry": item.named_entry or None,
                "named_entry_name": named.name_en if named else None,
                "quantity_t": item.quantity_t,
            }
        )
    return {
        "format": RECORD_FORMAT,
        "registry_number": registry_number,
        "enterprise": {
            "name": enterprise.name,
            "legal_address": enterprise.legal_address,
            "edrpou": enterprise.edrpou,
            "rnokpp": enterprise.rnokpp,
            "passport": enterprise.passport,
            "kved": list(enterprise.kved),
            "other": enterprise.other,
        },
        "object": {
            "name": obj.name,
            "address": obj.address,
            "commissioning_date": obj.commissioning_date or None,
            "area_m2": obj.area_m2,
            "hazard_sources": [asdict(s) for s in obj.hazard_sources],
            "dangerous_substances": substances,
            "class": result.klass if result is not None else None,
            "identification": (
                {
                    "deciding_group": result.deciding_group,
                    "deciding_substance": result.deciding_substance,
                    "deciding_rule": result.deciding_rule,
                }
                if result is not None
                else None
            ),
            "documents": obj.documents,
            "safety_audit": obj.safety_audit,
            "insurance": obj.insurance,
            "other": obj.other,
        },
        "history": [asdict(e) for e in sort_history(list(events or []))],
    }
