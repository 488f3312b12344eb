"""A brand's own synonyms and product nicknames: written by its admins on the brand's
settings (search.views.synonyms), read by every search of the brand at query time, so a
change applies to the next search without a reindex."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from brands.models import Brand

from .models import BrandSynonym
from .permissions import check_can_edit_synonyms
from .synonyms import synonym_map

MAX_SETS = 200
MAX_WORDS_PER_SET = 12
CACHE_SECONDS = 600


def _cache_key(brand_id: int) -> str:
    return f"search:brand-synonyms:{brand_id}"


def _forget(brand_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(_cache_key(brand_id)))


@transaction.atomic
def brand_synonym_add(*, actor, brand: Brand, words: str) -> BrandSynonym:
    """A new set of words that mean the same in this brand's community."""
    check_can_edit_synonyms(actor, brand)
    listed = list(dict.fromkeys(w.strip() for w in words.split(",") if w.strip()))
    if len(listed) < 2:
        raise ValidationError({"words": [_("Give at least two words, separated by commas.")]})
    if len(listed) > MAX_WORDS_PER_SET:
        raise ValidationError(
            {"words": [_("At most %(count)d words in one set.") % {"count": MAX_WORDS_PER_SET}]}
        )
    if BrandSynonym.objects.filter(brand=brand).count() >= MAX_SETS:
        raise ValidationError(
            {"words": [_("At most %(count)d sets of synonyms.") % {"count": MAX_SETS}]}
        )
    synonym = BrandSynonym.objects.create(brand=brand, words=", ".join(listed), created_by=actor)
    _forget(brand.pk)
    return synonym


@transaction.atomic
def brand_synonym_remove(*, actor, synonym: BrandSynonym) -> None:
    check_can_edit_synonyms(actor, synonym.brand)
    synonym.delete()
    _forget(synonym.brand_id)


def brand_synonym_map(brand_id: int) -> dict[str, tuple[str, ...]]:
    """term → its synonyms' terms for searches of the brand (cached; emptied on change)."""
    found = cache.get(_cache_key(brand_id))
    if found is None:
        sets = [s.word_list for s in BrandSynonym.objects.filter(brand_id=brand_id).only("words")]
        found = synonym_map(sets)
        cache.set(_cache_key(brand_id), found, CACHE_SECONDS)
    return found
