"""Password rules beyond Django's own validators (OWASP ASVS 4.0 V2.1): a longest length, so a
passphrase of up to 128 characters is allowed and a megabyte is not, and no password made only
of spaces. The shortest length is Django's ``MinimumLengthValidator`` with :data:`PASSWORD_MIN`.
Listed in ``AUTH_PASSWORD_VALIDATORS`` (settings), so sign-up, password change, password reset and
``touchdose createuser`` all apply them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

#: ASVS 2.1.1: at least 12 characters.
PASSWORD_MIN = 12
#: ASVS 2.1.2: at least 64 allowed, at most 128.
PASSWORD_MAX = 128


class MaximumLengthValidator:
    """At most ``max_length`` characters (ASVS 2.1.2)."""

    def __init__(self, max_length: int = PASSWORD_MAX) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password has {len(password)} characters; at most {self.max_length} are allowed.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be at most {self.max_length} characters."


class NotOnlyWhitespaceValidator:
    """Not made only of spaces, tabs or line breaks."""

    def validate(self, password: str, user: Any = None) -> None:
        if password and not password.strip():
            raise ValidationError("This password is only spaces; use letters, digits or signs too.",
                                  code="password_only_whitespace")  # fmt: skip

    def get_help_text(self) -> str:
        return "Your password cannot be only spaces."


class RevokeApiTokensOnChange:
    """Not a rule but Django's hook for every password change (``password_changed`` runs after a
    user with a new password is saved: the password change and reset pages, the admin,
    ``touchdose createuser``): the user's personal API tokens are revoked (ASVS 3.3.3), so a
    token taken with the old password stops working with it."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            from touchdose.web import services  # the settings import this module: load lazily

            services.api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return "A new password ends your personal API tokens; make new ones after."
