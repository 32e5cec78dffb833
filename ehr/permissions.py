"""Biobank staff load extracts and read the concept dictionary; no other role touches the health record."""

from accounts.roles import BIOBANK_STAFF

ROLE_PERMISSIONS = {
    BIOBANK_STAFF: ["ehr.view_ehrimport", "ehr.add_ehrimport", "ehr.view_concept"],
}
