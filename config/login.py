"""The log-in forms (the portal's and the admin's). Django's AuthenticationForm gives the username field its
max_length after the field is built, so no length check runs, and a name longer than any account's reached
authenticate(): django-axes then wrote it into its 255-character column of attempts, a 500. Such a name is
refused here, and the failure recorded as authenticate() would have."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed


class _NameLengthChecked:
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        longest = self.fields["username"].max_length
        if len(username) > longest:  # no account has such a name
            # Recorded as any failed log-in (the audit trail, axes' count), under the name cut to the longest an
            # account may have.
            user_login_failed.send(
                sender=__name__, credentials={"username": username[:longest]}, request=self.request
            )
            raise self.get_invalid_login_error()
        return super().clean()


class LoginForm(_NameLengthChecked, AuthenticationForm):
    pass


class AdminLoginForm(_NameLengthChecked, AdminAuthenticationForm):
    pass
