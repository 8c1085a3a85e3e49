"""Speaker tagging: who is quoted or reported in each paragraph of an article.

Works article by article, because speakers are resolved across paragraphs:

* names are collected with their titles (``Prime Minister Datuk Seri Anwar
  Ibrahim`` → person ``Anwar Ibrahim`` with role "prime minister"), and later
  mentions (surname, "he", "the minister", "the Sri Lankan envoy", "both
  leaders", "the two sides") are mapped back to them;
* a speech cue ("said", "stressed", "according to", "the statement read",
  "X, the foreign minister, said") is attributed to the subject in front of it;
* a joint statement is spoken by each of its issuers, in every paragraph that
  quotes it ("the statement read", "It added");
* transcripts (``PRESIDENT BIDEN:``) give the label's person for the lines
  that follow, until the next label;
* a quotation left open at the end of a paragraph carries its speaker over to
  the next paragraph (and back from the paragraph where it is attributed);
* bodies speak when no person is named ("the Ministry of Foreign Affairs
  said"); anonymous sources ("officials said") give no speaker.

The steps, one module each: :mod:`.names` (a capitalised sequence → title and
name), :mod:`.registry` (the article's people), :mod:`.mentions` (people in a
text, the article's state), :mod:`.subjects` (the subject of a cue),
:mod:`.cues` (cues in a sentence), :mod:`.transcripts`, :mod:`.statements`,
:mod:`.quotes`, and :mod:`.article` putting them together. Word lists are in
:mod:`.lexicon`, regular expressions in :mod:`.patterns`.
"""

from __future__ import annotations

from .article import analyse_speakers, tag_speakers

__all__ = ["analyse_speakers", "tag_speakers"]
