import pytest

from accounts import roles
from projects import services
from projects.models import Rights, Role
from tests.factories import UserFactory


@pytest.fixture
def coordinator(db):
    return UserFactory(roles=[roles.RESEARCHER], full_name="Cora Coordinator")


@pytest.fixture
def project(researcher):
    """The researcher's project: they are its PI, with edit rights."""
    return services.create_project(by=researcher, title="Asthma in school children", irb_number="IRB-2026-017",
                                   funding_type="federal", funding_source="NIH R01")


@pytest.fixture
def coordinator_member(project, researcher, coordinator):
    return services.add_member(project, by=researcher, email=coordinator.email, role=Role.COORDINATOR,
                               rights=Rights.REQUEST)
