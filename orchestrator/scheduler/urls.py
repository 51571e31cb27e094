from django.urls import path

from . import views

app_name = "scheduler"
urlpatterns = [
    path("", views.schedule_list, name="list"),
    path("new/", views.schedule_form, name="new"),
    path("preview/", views.preview, name="preview"),
    path("<str:name>/", views.schedule_detail, name="detail"),
    path("<str:name>/edit/", views.schedule_form, name="edit"),
    path("<str:name>/<str:action>/", views.schedule_action, name="action"),
]
