import pytest

from budgets import services
from tests.projects.conftest import coordinator, coordinator_member, project  # noqa: F401  (shared fixtures)


@pytest.fixture
def budget(project, researcher):
    return services.create_budget(by=researcher, project=project, title="Asthma pilot budget", sponsor_type="federal")
