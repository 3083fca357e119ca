"""Identification of high-hazard objects (ОПН), CMU resolution No. 1030, and the register
record of CMU resolution No. 690.  Pure Python + numpy; never imports Qt."""

from ecologis.core.hazard_identification.data import ThresholdTables, tables_from_documents
from ecologis.core.hazard_identification.engine import IdentificationResult, identify
from ecologis.core.hazard_identification.model import (
    EVENT_TYPES,
    RegisteredEnterprise,
    HazardObject,
    HazardSource,
    InventoryItem,
    RegisterEvent,
    build_register_record,
)

__all__ = [
    "EVENT_TYPES",
    "RegisteredEnterprise",
    "HazardObject",
    "HazardSource",
    "IdentificationResult",
    "InventoryItem",
    "RegisterEvent",
    "ThresholdTables",
    "build_register_record",
    "identify",
    "tables_from_documents",
]
