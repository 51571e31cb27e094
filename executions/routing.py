from django.urls import path

from .consumers import WorkflowConsumer

websocket_urlpatterns = [
    path("ws/workflows/<str:workflow_id>/", WorkflowConsumer.as_asgi()),
]
