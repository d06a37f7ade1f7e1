"""Admin forms for organisations and memberships."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from watch.accounts.models import EMAIL_MAX
from watch.core.municipalities import NAME_MAX as MUNICIPALITY_MAX
from watch.organisations.models import KINDS, NAME_MAX, ROLES


class OrganisationForm(FlaskForm):
    """A new organisation, or a change to one."""

    municipality = StringField(_l("Municipality"), validators=[DataRequired(), Length(max=MUNICIPALITY_MAX)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    kind = SelectField(_l("Kind"), choices=[(k, v) for k, v in KINDS.items()])
    active = BooleanField(_l("Active"), default=True)


class MemberForm(FlaskForm):
    """Add a user to an organisation."""

    email = EmailField(_l("E-mail of the user"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    role = SelectField(_l("EST role"), choices=[(k, v) for k, v in ROLES.items()])


class RoleForm(FlaskForm):
    """Change a member's role."""

    role = SelectField(_l("EST role"), choices=[(k, v) for k, v in ROLES.items()])
