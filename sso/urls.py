from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("b/<slug:brand_slug>/sso/", views.sign_on_settings, name="settings"),
    path("b/<slug:brand_slug>/sso/remove/", views.sign_on_remove, name="remove"),
    path("accounts/company/", views.company_sign_in, name="company_sign_in"),
]
