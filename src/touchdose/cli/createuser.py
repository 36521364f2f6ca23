"""``touchdose createuser``: make a client, therapist or staff (admin) account from the shell."""

from __future__ import annotations

import typer
from rich.console import Console

from touchdose.cli._app import ExitStatus, app

ROLES = ("client", "therapist", "staff")


@app.command()
def createuser(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("client", help="client, therapist or staff (staff opens the admin pages)."),
    email: str = typer.Option("", help="E-mail address, for password resets."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, help="Password."
    ),
) -> None:
    """Create an account (the database is created first if needed)."""
    from touchdose.cli.serve import setup_django

    console = Console(stderr=True)
    if role not in ROLES:
        console.print(f"role = {role!r} is not allowed (allowed: {', '.join(ROLES)})")
        raise typer.Exit(ExitStatus.BAD_INPUT)
    setup_django(migrate=False, collect_static=False)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.management import call_command

    from touchdose.web import services

    try:
        validate_password(password)
    except ValidationError as error:
        console.print("password is not allowed: " + " ".join(error.messages))
        raise typer.Exit(ExitStatus.BAD_INPUT) from None
    call_command("migrate", interactive=False, verbosity=0)
    if get_user_model().objects.filter(username=username).exists():
        console.print(f"username = {username!r} is taken (allowed: a name nobody uses yet)")
        raise typer.Exit(ExitStatus.BAD_INPUT)
    if role == "staff":
        get_user_model().objects.create_superuser(username=username, email=email, password=password)
    else:
        services.account_signup(username=username, email=email, password=password, role=role)
    Console().print(f"Created {role} account {username!r}.")
