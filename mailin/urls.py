from django.urls import path

from . import views

app_name = "mailin"

urlpatterns = [
    path("mail/confirm/<str:token>/", views.confirm, name="confirm"),
    path("b/<slug:brand_slug>/integrations/mail/", views.addresses, name="addresses"),
    path(
        "b/<slug:brand_slug>/integrations/mail/<int:pk>/remove/",
        views.address_remove,
        name="address_remove",
    ),
    # The providers' inbound webhooks (mailin/README.md says how to point each at them).
    path("mail/inbound/mailgun/", views.mailgun_inbound, name="mailgun_inbound"),
    path("mail/inbound/mailgun/mime/", views.mailgun_inbound, name="mailgun_inbound_mime"),
    path("mail/inbound/postmark/", views.postmark_inbound, name="postmark_inbound"),
]
