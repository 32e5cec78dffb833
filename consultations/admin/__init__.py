"""The triage desk: DCR staff filter, assign, move and answer consultation requests here.

Every status move goes through ``services.change_status`` (directly or via ``services.assign``);
staff see only what ``selectors.staff_visible`` lets them see, in lists as in object URLs.

``requests`` holds the request admin itself (columns, permissions, saving); ``pages`` its own
pages (change status, assign, export), ``actions`` the bulk actions, ``export`` the CSV,
``filters``, ``inlines`` and ``paginator`` the parts of the list and the change form.
"""

from .attachments import AttachmentAdmin
from .requests import ConsultationRequestAdmin

__all__ = ["AttachmentAdmin", "ConsultationRequestAdmin"]
