"""The log-in forms (the portal's and the admin's). Django's AuthenticationForm gives the username field its
max_length after the field is built, so no length check runs, and a name longer than any account's reached
authenticate(): django-axes then wrote it into its 255-character column of attempts, a 500."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm


class _NameLengthChecked:
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > self.fields["username"].max_length:  # no account has such a name
            raise self.get_invalid_login_error()
        return super().clean()


class LoginForm(_NameLengthChecked, AuthenticationForm):
    pass


class AdminLoginForm(_NameLengthChecked, AdminAuthenticationForm):
    pass
