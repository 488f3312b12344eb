from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.my_cases, name="mine"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/resolve/", views.case_resolve, name="resolve"),
    path("cases/<int:pk>/summary/", views.case_summary_propose, name="summary_propose"),
    path("cases/<int:pk>/summary/decide/", views.case_summary_decide, name="summary_decide"),
    path("t/<int:pk>/-/private-case/", views.case_open, name="open"),
    path("b/<slug:brand_slug>/integrations/helpdesk/", views.helpdesk_inbound, name="helpdesk"),
]
