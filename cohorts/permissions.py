"""Biobank staff decide on biobank access and read the log of cohort questions."""

from accounts.roles import BIOBANK_STAFF

ROLE_PERMISSIONS = {
    BIOBANK_STAFF: ["cohorts.view_biobankaccess", "cohorts.change_biobankaccess", "cohorts.view_cohortquerylog"],
}
