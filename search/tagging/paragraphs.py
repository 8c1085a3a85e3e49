"""Turn an article into tagged paragraph documents."""
from __future__ import annotations

from search.models import Article, Paragraph, Tags
from search.tagging import tag_article


def paragraphs_of(article: Article, tag: bool = True) -> list[Paragraph]:
    """One Paragraph per block of body text, numbered from 1, with its tags.

    With ``tag=False`` the taggers do not run: the tags that came with the
    source (``Article.tags``) are used, or none.
    """
    if tag:
        tags = tag_article(article)
    elif article.tags and len(article.tags) == len(article.paragraphs):
        tags = article.tags
    else:
        tags = [Tags() for _ in article.paragraphs]
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
            sectors=t.sectors,
            speakers=t.speakers,
            countries=t.countries,
            evidence=t.evidence,
        )
        for n, (text, t) in enumerate(zip(article.paragraphs, tags), 1)
    ]
