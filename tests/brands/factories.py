import factory

from brands.models import Brand, Membership, Product


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    domain = factory.LazyAttribute(lambda b: f"{b.slug}.example")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    brand = factory.SubFactory(BrandFactory)
    user = factory.SubFactory("tests.community.factories.UserFactory")
    role = Membership.Role.REP
