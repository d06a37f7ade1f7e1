"""Who sees what in EST, in one place.

- The EST group of a municipality (its rapportörer, samordnare, läsare, the
  police, admins) sees its reports in full and every aggregate.
- A housing company's users see their own organisation's reports in full and
  everything else aggregated only.
- The public sees nothing, unless the municipality publishes its aggregated
  weekly page (counts by district and category, no points).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from watch.core.errors import Forbidden, NotFound
from watch.est.models import EstConfig, EstReport
from watch.organisations import access as orgs
from watch.organisations.models import COORDINATOR, READER, REPORTER

__all__ = ["COORDINATOR", "READER", "REPORTER", "config_of", "full_access", "get_report_for", "require"]

# Organisation kinds whose users see only their own reports in full.
OWN_REPORTS_ONLY = ("housing_company",)


def config_of(session: Session, municipality: str) -> EstConfig:
    """The municipality's settings (defaults, not stored, if it has none yet: reads never write)."""
    return session.get(EstConfig, municipality) or EstConfig(municipality=municipality)


def require(session: Session, user, municipality: str, need: str = READER) -> str:
    """The user's EST role in the municipality, or Forbidden."""
    return orgs.require_role(session, user, municipality, need)


def full_access(session: Session, user, municipality: str) -> bool:
    """True if the user sees every report of the municipality in full."""
    if getattr(user, "is_admin", False):
        return True
    if getattr(user, "is_police", False) and getattr(user, "municipality", None) == municipality:
        return True
    kinds = {org.kind for _m, org in orgs.memberships_of(session, user) if org.active and org.municipality == municipality}
    return bool(kinds - set(OWN_REPORTS_ONLY))


def may_see_report(session: Session, user, report: EstReport) -> bool:
    """Full access, or the report is their own organisation's."""
    if not orgs.has_role(session, user, report.municipality, READER):
        return False
    return full_access(session, user, report.municipality) or report.organisation_id in orgs.organisation_ids_of(
        session, user, report.municipality)


def get_report_for(session: Session, user, report_id: int, need: str = "view") -> EstReport:
    """The report if the user may `view` it or `review` it (coordinator); NotFound otherwise."""
    report = session.get(EstReport, report_id)
    if report is None or not may_see_report(session, user, report):
        raise NotFound("est_report_not_found", _l("No such report."))
    if need == "review" and not orgs.has_role(session, user, report.municipality, COORDINATOR):
        raise Forbidden("est_role_required", _l("Only the municipality's safety coordinator may do that."))
    return report


def visible_municipalities(session: Session, user) -> list[str]:
    """Municipalities where the user is in the EST group."""
    return sorted(orgs.est_roles(session, user))
