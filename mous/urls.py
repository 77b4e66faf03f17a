from django.urls import path

from . import views

app_name = "mous"

urlpatterns = [
    path("", views.mou_registry, name="registry"),
    path("<int:pk>/", views.mou_detail, name="detail"),
]
