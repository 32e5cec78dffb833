"""Biobank staff keep the biobank's records; no other role has any biobank admin permission."""

from accounts.roles import BIOBANK_STAFF

_MODELS = ["participant", "sample", "withdrawal", "samplerequest", "recontactrequest", "recontactselection",
           "importjob", "storagecontainer", "placementconflict", "samplemove", "consentstatement", "consentresponse", "distributionorder", "distributionitem"]

ROLE_PERMISSIONS = {
    BIOBANK_STAFF: [f"biobank.{action}_{model}" for model in _MODELS
                      for action in ("view", "add", "change", "delete")] + ["biobank.reveal_mrn"],
}
