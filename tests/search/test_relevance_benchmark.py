"""The relevance benchmark's collection and scoring (the benchmark itself is run by
`python manage.py search_relevance`, not by the tests)."""

from collections import Counter

from search.relevance import CATEGORIES, BenchQuery, BigramBM25, Scores, load_collection


def test_collection_is_large_mostly_japanese_and_judged():
    collection = load_collection()
    keys = {t.key for t in collection.threads}
    assert len(collection.threads) >= 150
    assert len(keys) == len(collection.threads)
    assert len(collection.queries) >= 100
    assert set(collection.brands) == {t.brand for t in collection.threads}
    assert len(collection.brands) == 4
    japanese = sum(q.lang == "ja" for q in collection.queries) / len(collection.queries)
    assert 0.55 <= japanese <= 0.7
    assert set(Counter(q.category for q in collection.queries)) == set(CATEGORIES)
    for query in collection.queries:
        assert query.relevant and set(query.relevant) <= keys, query.text
        if query.category == "brand":
            assert query.brand in collection.brands, query.text


def test_queries_are_not_copies_of_titles():
    collection = load_collection()
    titles = {t.title for t in collection.threads}
    assert not [q.text for q in collection.queries if q.text in titles]


def test_bigram_baseline_ranks_and_filters_by_brand():
    collection = load_collection()
    baseline = BigramBM25(collection.threads)
    assert baseline.search("洗濯槽からカビのような臭い")[0] == "wsh-j04"
    assert all(k.startswith("rtr-") for k in baseline.search("電源", brand="rtr"))
    assert baseline.search("qqqq") == []


def test_scores_give_recall_mrr_and_zero_results():
    scores = Scores()
    query = BenchQuery(text="q", category="short", relevant=("a", "b"), brand=None, lang="en")
    scores.add(query, ["x", "a", "y", "z", "w", "b"])
    scores.add(query, [])
    row = scores.row()
    assert row["recall@5"] == 0.25  # (1/2 + 0) / 2
    assert row["recall@10"] == 0.5
    assert row["MRR"] == 0.25  # (1/2 + 0) / 2
    assert row["zero"] == 0.5
    assert scores.misses == ["q"]
