"""Turn an article into tagged paragraph documents."""
from __future__ import annotations

from .models import Article, Paragraph
from .tagging import tag_article


def paragraphs_of(article: Article) -> list[Paragraph]:
    """One Paragraph per block of body text, numbered from 1, with its tags."""
    tags = tag_article(article)
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
