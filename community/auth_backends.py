"""Sign-in backends: Django's and allauth's, which also load a reader's facts with their
user row when a page asks for it.

Django's own `auth.get_user` decides who the session's person is, as always (the listed
backend, an active account, the password hash, the fallback secrets). Its one database
read, the backend's `get_user`, is where a thread page assembled from the cache
(qa/thread_page.py) wants that person's facts on the thread as well: while
`community.viewer_facts.preloading(thread_id=...)` is in effect, the row comes together
with them, in one query, so a signed-in reader's page costs exactly one.
"""

from __future__ import annotations

from typing import Any

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends

from . import viewer_facts


class _LoadsViewerFacts:
    def get_user(self, user_id: Any) -> Any:
        thread_id = viewer_facts.preloading_thread()
        if thread_id is None:
            return super().get_user(user_id)  # type: ignore[misc]
        user = viewer_facts.user_with_facts(user_id, thread_id=thread_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_LoadsViewerFacts, backends.ModelBackend):
    """Django's: staff sign in to the admin by username."""


class AuthenticationBackend(_LoadsViewerFacts, allauth_backends.AuthenticationBackend):
    """allauth's: members sign in by username or e-mail address."""
