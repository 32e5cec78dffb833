"""DCR Portal settings: every value comes from the environment (see README, "Configuration").

``DCR_ENV`` picks the profile: ``development`` (default), ``test`` or ``production``; production
refuses to start with an unsafe value. One module per concern, read in this order. Importing
settings starts no server: with no ``DATABASE_URL`` / ``REDIS_URL``, the launchers
(``manage.py``, ``make run``, the test setup) start the embedded PostgreSQL and Redis first
and hand their URLs over through the environment.
"""

from .base import *  # noqa: F401,F403
from .files import *  # noqa: F401,F403
from .services import *  # noqa: F401,F403
from .auth import *  # noqa: F401,F403
from .sso import *  # noqa: F401,F403
from .mail import *  # noqa: F401,F403
from .security import *  # noqa: F401,F403
from .logs import *  # noqa: F401,F403
