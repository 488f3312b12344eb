"""The ledger starts from what was already earned: every helpful vote, accepted answer and
standing verification before it existed becomes its event, each member's total per brand
and their site-wide reputation are set to the ledger's sums, so a vote taken back later
takes back points the ledger knows. (Events made here are dated the day this runs: the
"this month" ranking of that month counts them.)"""

from django.conf import settings
from django.db import migrations
from django.db.models import Sum

BATCH = 2000


def _points(reason: str) -> int:
    return int(settings.SODAN_REPUTATION_POINTS[reason])


def backfill(apps, schema_editor):
    HelpfulVote = apps.get_model("qa", "HelpfulVote")
    Answer = apps.get_model("qa", "Answer")
    Thread = apps.get_model("qa", "Thread")
    ReputationEvent = apps.get_model("reputation", "ReputationEvent")
    BrandReputation = apps.get_model("reputation", "BrandReputation")
    User = apps.get_model("community", "User")

    events = []
    votes = HelpfulVote.objects.values_list(
        "answer_id", "user_id", "answer__author_id", "answer__thread__brand_id"
    )
    for answer_id, voter_id, author_id, brand_id in votes.iterator():
        if author_id == voter_id:
            continue
        events.append(
            ReputationEvent(
                member_id=author_id,
                brand_id=brand_id,
                reason="helpful_vote",
                points=_points("helpful_vote"),
                source_key=f"vote:{answer_id}:{voter_id}",
            )
        )
    accepted = Thread.objects.filter(accepted_answer__isnull=False).values_list(
        "accepted_answer_id", "accepted_answer__author_id", "brand_id"
    )
    for answer_id, author_id, brand_id in accepted.iterator():
        events.append(
            ReputationEvent(
                member_id=author_id,
                brand_id=brand_id,
                reason="accepted",
                points=_points("accepted"),
                source_key=f"accepted:{answer_id}",
            )
        )
    verified = Answer.objects.filter(verified_at__isnull=False).values_list(
        "pk", "author_id", "thread__brand_id"
    )
    for answer_id, author_id, brand_id in verified.iterator():
        events.append(
            ReputationEvent(
                member_id=author_id,
                brand_id=brand_id,
                reason="verified",
                points=_points("verified"),
                source_key=f"verified:{answer_id}",
            )
        )
    ReputationEvent.objects.bulk_create(events, batch_size=BATCH, ignore_conflicts=True)

    thresholds = list(settings.SODAN_REPUTATION_LEVELS)
    totals = ReputationEvent.objects.values("member_id", "brand_id").annotate(total=Sum("points"))
    rows = [
        BrandReputation(
            member_id=row["member_id"],
            brand_id=row["brand_id"],
            points=row["total"],
            level=sum(1 for t in thresholds if row["total"] >= t),
        )
        for row in totals
    ]
    BrandReputation.objects.all().delete()
    BrandReputation.objects.bulk_create(rows, batch_size=BATCH)
    site = ReputationEvent.objects.values("member_id").annotate(total=Sum("points"))
    User.objects.update(reputation=0)
    for row in site.iterator():
        User.objects.filter(pk=row["member_id"]).update(reputation=row["total"])


class Migration(migrations.Migration):
    dependencies = [
        ("reputation", "0001_initial"),
        ("qa", "0007_follows_and_fixed_for"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
