"""Sodan's project package: settings, root URLs, the Celery app and members."""

from .celery import app as celery_app

__all__ = ("celery_app",)
