"""Consent tiers: recording a participant's answers and withdrawing one statement (services),
and the staff desk's consent page (forms, pages)."""
