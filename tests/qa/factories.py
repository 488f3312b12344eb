"""Q&A factories build rows through the services, so counters and revisions are real."""

import factory

from qa import services
from qa.models import Answer, Thread
from tests.brands.factories import BrandFactory
from tests.community.factories import UserFactory


class ThreadFactory(factory.Factory):
    class Meta:
        model = Thread

    author = factory.SubFactory(UserFactory)
    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Battery drains overnight #{n}")
    body = "Since the last update the battery is empty every morning."
    type = Thread.Type.QUESTION
    product = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.thread_create(**kwargs)


class AnswerFactory(factory.Factory):
    class Meta:
        model = Answer

    author = factory.SubFactory(UserFactory)
    thread = factory.SubFactory(ThreadFactory)
    body = "Turn off background refresh in Settings, then restart."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.answer_create(**kwargs)
