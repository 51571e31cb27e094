from django.urls import path

from . import views

app_name = "humantasks"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("counts/", views.counts, name="counts"),
    path("<str:task_id>/", views.task_page, name="task"),
    path("<str:task_id>/decide/", views.decide, name="decide"),
    path("<str:task_id>/comment/", views.comment, name="comment"),
    path("<str:task_id>/act/<str:token>/", views.act, name="act"),
    path("<str:task_id>/<str:action>/", views.task_action, name="action"),
]
