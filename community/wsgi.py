import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
application = get_wsgi_application()

# The app server loads this module once, in its master, before forking the workers
# (gunicorn --preload, deploy/). With SODAN_ANALYSER_SOCKET set, the master starts the
# Japanese analyser in a process of its own, which the workers share, and never loads the
# dictionary itself (search/analyser.py); without it, the dictionary is loaded here and the
# workers share its pages, though each counts them in its resident memory.
from search import analyser, analysis  # noqa: E402 - after the application, which sets Django up

if analyser.start() is None:
    analysis.warm()
