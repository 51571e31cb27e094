from django.urls import path

from .consumers import WorkflowConsumer
from .dashboard_stream import DashboardConsumer

websocket_urlpatterns = [
    path("ws/workflows/<str:workflow_id>/", WorkflowConsumer.as_asgi()),
    path("ws/dashboard/", DashboardConsumer.as_asgi()),
]
