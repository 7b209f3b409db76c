app_name = "building"
urlpatterns = []
