"""Turn an article into tagged paragraph documents."""

from __future__ import annotations

from search.facets import FACETS
from search.models import Article, Paragraph
from search.tagging import tag_article


def paragraphs_of(article: Article, tag: bool = True) -> list[Paragraph]:
    """One Paragraph per block of body text, numbered from 1, with its tags.

    With ``tag=False`` the taggers do not run: the tags that came with the
    source (``Article.given_tags``) are used, or none.
    """
    if tag:
        tags = tag_article(article)
        values = [
            {facet.key: facet.values_of(text, t) for facet in FACETS}
            for text, t in zip(article.paragraphs, tags, strict=True)
        ]
        evidence = [t.evidence for t in tags]
    else:
        given = (
            article.given_tags
            if article.given_tags and len(article.given_tags) == len(article.paragraphs)
            else [{} for _ in article.paragraphs]
        )
        values = [{facet.key: entry.get(facet.key, []) for facet in FACETS} for entry in given]
        evidence = [{} for _ in article.paragraphs]
    return [
        Paragraph(
            article_id=article.id,
            n=n,
            text=text,
            title=article.title,
            date=article.date,
            dateline=article.dateline,
            source=article.source,
            url=article.url,
            tags=paragraph_values,
            evidence=paragraph_evidence,
        )
        for n, (text, paragraph_values, paragraph_evidence) in enumerate(
            zip(article.paragraphs, values, evidence, strict=True), 1
        )
    ]
