#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dcr_portal.settings")
    # With no DATABASE_URL / REDIS_URL, the project's own PostgreSQL and Redis (README).
    from devtools.embedded import provide_missing_urls

    provide_missing_urls()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
