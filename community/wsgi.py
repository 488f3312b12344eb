import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
application = get_wsgi_application()

# The app server loads this module once, in its master, before forking the workers
# (gunicorn --preload, deploy/): the Japanese dictionary loaded here is shared by them all
# rather than loaded again in each.
from search import analysis  # noqa: E402 - after the application, which sets Django up

analysis.warm()
