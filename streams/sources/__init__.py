"""Ingestion: each module turns one kind of news source into validated ``RawArticle`` records for the articles topic.

Sources build articles with ``article_fields.make_article`` (which rejects bad input with a reason) and hand them to a
``sink.ArticleSink`` (Kafka through the idempotent producer, or JSON lines on stdout for ``--dry-run``).
"""
