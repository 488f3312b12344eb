# The moderators and brand people of the moderation tests: removal requests follow
# moderation's rule of who may decide.
from tests.moderation.conftest import (  # noqa: F401
    brand_admin,
    brand_moderator,
    brand_rep,
    moderator,
    second_moderator,
)
