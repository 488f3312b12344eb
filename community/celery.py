"""The Celery application.

Tasks are thin: they take ids, load rows and call a service. Without a broker
(the embedded default) tasks run eagerly in-process, so a newcomer needs no Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

app = Celery("sodan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
