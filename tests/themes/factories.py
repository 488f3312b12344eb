import factory

from themes.models import BrandDomain, WidgetOrigin


class BrandDomainFactory(factory.django.DjangoModelFactory):
    """A verified (served) domain unless told otherwise."""

    class Meta:
        model = BrandDomain

    brand = factory.SubFactory("tests.brands.factories.BrandFactory")
    hostname = factory.Sequence(lambda n: f"support{n}.example.com")
    token = factory.Sequence(lambda n: f"token-{n}")
    status = BrandDomain.Status.VERIFIED


class WidgetOriginFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WidgetOrigin

    brand = factory.SubFactory("tests.brands.factories.BrandFactory")
    origin = factory.Sequence(lambda n: f"https://www{n}.example.com")
