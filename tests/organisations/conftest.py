"""Factories for organisations and memberships."""
from __future__ import annotations

import pytest

from watch.organisations.models import Organisation, OrganisationMembership


@pytest.fixture
def make_org(session):
    """make_org(name, municipality="Nyköping", kind="municipal_unit", active=True)."""

    def make(name="Tekniska divisionen", municipality="Nyköping", kind="municipal_unit", active=True):
        org = Organisation(name=name, municipality=municipality, kind=kind, active=active)
        session.add(org)
        session.commit()
        return org

    return make


@pytest.fixture
def join(session):
    """join(user, org, role): a membership."""

    def make(user, org, role="rapportor"):
        m = OrganisationMembership(organisation_id=org.id, user_id=user.id, role=role)
        session.add(m)
        session.commit()
        return m

    return make
