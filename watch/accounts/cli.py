"""`flask --app watch users ...`: create admin, grant and revoke roles, tokens."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from watch.accounts import service, users
from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.core.errors import ServiceError

users_cli = AppGroup("users", help="Manage accounts and roles.")


def _user(session, email):
    user = users.get_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}.")
    return user


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create an admin account (or make an existing account admin); its address counts as confirmed."""
    with session_scope() as session:
        try:
            user = users.get_by_email(session, email) or service.register(
                session, email=email, display_name=display_name, password=password, verified=True
            )
            # The operator at the server console vouches for the address.
            user.email_verified_at = user.email_verified_at or utcnow()
            service.set_role(session, user=user, role="admin", on=True)
        except ServiceError as exc:
            raise click.ClickException(str(exc.message))
        click.echo(f"{user.email} is an admin.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(service.ROLES))
@click.option("--municipality", help="For police: the municipality they serve.")
def grant(email: str, role: str, municipality: str | None) -> None:
    """Grant ROLE (police or admin) to the user with EMAIL."""
    with session_scope() as session:
        service.set_role(session, user=_user(session, email), role=role, on=True, municipality=municipality)
        click.echo(f"{email} now has the {role} role.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice(service.ROLES))
def revoke(email: str, role: str) -> None:
    """Revoke ROLE from the user with EMAIL."""
    with session_scope() as session:
        try:
            service.set_role(session, user=_user(session, email), role=role, on=False)
        except ServiceError as exc:
            raise click.ClickException(str(exc.message))
        click.echo(f"{email} no longer has the {role} role.")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for.")
def token(email: str, name: str) -> None:
    """Create an API token for the user with EMAIL and print it once."""
    with session_scope() as session:
        _token, plaintext = service.create_token(session, _user(session, email), name=name)
        click.echo(plaintext)
