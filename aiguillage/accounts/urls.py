from django.contrib.auth import views as auth_views
from django.urls import path

from aiguillage.accounts import views
from aiguillage.accounts.forms import EmailAuthenticationForm

app_name = "accounts"

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor (aiguillage/accounts/two_factor.py).
    path("securite/", views.security, name="security"),
    path("securite/activer/", views.two_factor_enrol, name="two_factor_enrol"),
    path("securite/verifier/", views.two_factor_verify, name="two_factor_verify"),
    path("securite/codes-de-secours/", views.recovery_codes, name="recovery_codes"),
    path(
        "securite/codes-de-secours/nouveaux/",
        views.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path("securite/retirer/", views.two_factor_remove, name="two_factor_remove"),
    # Passwords: changing one's own, and resetting a forgotten one by e-mail.
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/change/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
