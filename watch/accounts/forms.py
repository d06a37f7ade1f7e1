"""Account forms (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from watch.accounts.models import DISPLAY_NAME_MAX, EMAIL_MAX, PHONE_MAX, TOKEN_NAME_MAX
from watch.accounts.passwords import PASSWORD_MAX
from watch.core.municipalities import NAME_MAX as MUNICIPALITY_MAX


class RegisterForm(FlaskForm):
    """New account."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=DISPLAY_NAME_MAX)])
    phone = TelField(_l("Phone (optional)"), validators=[Optional(), Length(max=PHONE_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class LoginForm(FlaskForm):
    """Log in."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class ProfileForm(FlaskForm):
    """Name, phone, language."""

    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=DISPLAY_NAME_MAX)])
    phone = TelField(_l("Phone (optional)"), validators=[Optional(), Length(max=PHONE_MAX)])
    locale = SelectField(_l("Language"), choices=[("sv", "Svenska"), ("en", "English")])


class PasswordForm(FlaskForm):
    """Change password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
    )


class DeleteForm(FlaskForm):
    """Delete own account."""

    password = PasswordField(_l("Password"), validators=[DataRequired()])
    confirm = BooleanField(_l("I understand that my account and my data are deleted for good"), validators=[DataRequired()])


class TokenForm(FlaskForm):
    """New API token."""

    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=TOKEN_NAME_MAX)])


class RoleForm(FlaskForm):
    """Admin: grant or revoke a role."""

    role = SelectField(choices=[("police", "police"), ("admin", "admin")])
    on = SelectField(choices=[("1", "1"), ("0", "0")])
    municipality = StringField(validators=[Optional(), Length(max=MUNICIPALITY_MAX)])


class ForgotForm(FlaskForm):
    """Ask for a password reset link."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL_MAX)])


class ResetForm(FlaskForm):
    """Choose a new password from a reset link."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class EmailChangeForm(FlaskForm):
    """Change the e-mail address (confirmed by a link to the new one)."""

    email = EmailField(_l("New e-mail address"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
