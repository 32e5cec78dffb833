"""The biobank's records: participants, samples and where they are kept, researchers' requests, imports.

One module per subject; everything is importable from ``biobank.models``.
"""

from .consent import REQUESTABLE_USES, ConsentAnswer, ConsentResponse, ConsentStatement, ConsentUse
from .distribution import DistributionItem, DistributionOrder
from .imports import ImportJob
from .participants import (
    BARCODE_PATTERN,
    BIOBANK_ID_PATTERN,
    EARLIEST_BIRTH_YEAR,
    IRB_PROTOCOL_PATTERN,
    Participant,
    Sex,
    Withdrawal,
)
from .requests import BiobankRequest, RecontactRequest, RecontactSelection, SampleRequest, request_moves
from .samples import DERIVATIONS, Derivation, Sample, SampleMove, SampleType, Unit
from .storage import LETTERS, PlacementConflict, PositionText, StorageContainer

__all__ = ["DistributionItem", "DistributionOrder", "REQUESTABLE_USES", "ConsentAnswer", "ConsentResponse", "ConsentStatement", "ConsentUse", "DERIVATIONS", "BARCODE_PATTERN", "Derivation", "BIOBANK_ID_PATTERN", "EARLIEST_BIRTH_YEAR", "IRB_PROTOCOL_PATTERN", "LETTERS",
           "BiobankRequest", "ImportJob", "Participant", "PlacementConflict", "PositionText", "RecontactRequest",
           "RecontactSelection", "Sample", "SampleMove", "SampleRequest", "SampleType", "Sex", "StorageContainer",
           "Unit", "Withdrawal", "request_moves"]
