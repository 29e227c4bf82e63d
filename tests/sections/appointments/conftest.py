import pytest

from tests.portal_helpers import clinician, desk, patient


@pytest.fixture
def front_desk(gateway, seeded):
    return desk(gateway)


@pytest.fixture
def doctor(gateway, seeded):
    return clinician(gateway)


@pytest.fixture
def ann(gateway, seeded):
    return patient(gateway)
