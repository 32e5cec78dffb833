"""What accounts tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent with ``user`` when a person opened the emailed sign-up link: the address is theirs. Apps that
# keep records under an address (e.g. "I'm interested" inquiries) give them to the account only then.
email_confirmed = Signal()
