from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from .permissions import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
        from . import lockout, two_step  # noqa: F401  (connect their sign-in signals)
        from . import otp_device, second_step
        from .backends import connect

        connect()
        second_step.connect()
        otp_device.connect()
