"""Deterministic synthetic corpus: diplomatic-event articles as JSON Lines files.

Every article has 5–20 paragraphs of 60–120 words of English diplomatic prose
built from sentence templates whose slots are filled from word lists sampled
with Zipf weights (so a few words are everywhere and most are rare), a date
over ten years (2016–2025), a title, a publisher, a URL, and per-paragraph
tags in ``paragraph_tags`` (the interface of ``reindex(..., tag=False)``).

The tags are chosen first and the text is written to match them: a paragraph
tagged ``energy`` talks about energy, a speaker tag comes with a reporting
sentence ("..., Kemal Aydin said."), a country tag with the country's name.
So the real taggers see text that supports roughly the same tags.

Sectors are multi-valued with a skewed distribution over the 13 ids of
ANNOTATION.md; speakers come from a pool of thousands of names, countries
from ~190 states; both are drawn per article with Zipf weights.

Generation is split into shards of ``SHARD_PARAGRAPHS`` paragraphs, each with
its own ``random.Random(f"{seed}:{shard}")``: the output depends only on the
seed and the size, not on how many processes generate it.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import time
from bisect import bisect
from collections import Counter
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path

SHARD_PARAGRAPHS = 5000
FORMAT = 1  # bump when the generator changes, so cached corpora are regenerated

SECTORS = [  # id, relative weight (skewed: diplomacy and trade dominate)
    ("diplomacy", 30),
    ("trade-investment", 18),
    ("defence", 10),
    ("energy", 9),
    ("security", 7),
    ("science-technology", 6),
    ("education-culture", 5),
    ("infrastructure-transport", 4),
    ("humanitarian", 4),
    ("health", 3),
    ("agriculture-food", 2.5),
    ("environment-climate", 2),
    ("space", 1),
]
SECTOR_COUNT_WEIGHTS = [(0, 12), (1, 45), (2, 28), (3, 11), (4, 4)]

TOPICS = {
    "diplomacy": [
        "bilateral relations",
        "diplomatic relations",
        "the strategic partnership",
        "regular high-level dialogue",
        "consultations between the foreign ministries",
        "closer coordination at the United Nations",
        "the comprehensive partnership",
        "bilateral ties",
        "engagement within ASEAN and the OIC",
        "the exchange of official visits",
    ],
    "defence": [
        "defence cooperation",
        "joint military exercises",
        "the defence industry",
        "procurement of defence products",
        "naval cooperation",
        "joint development of military equipment",
        "training for the armed forces",
        "maritime patrols by the navy",
    ],
    "security": [
        "counter-terrorism",
        "combating transnational crime",
        "cyber security",
        "the fight against drug trafficking",
        "border security",
        "law enforcement cooperation",
        "intelligence exchange",
        "efforts against human trafficking",
    ],
    "energy": [
        "energy security",
        "the energy transition",
        "renewable energy",
        "liquefied natural gas",
        "critical raw minerals",
        "oil and gas exploration",
        "power generation",
        "nuclear energy",
    ],
    "science-technology": [
        "semiconductors",
        "artificial intelligence",
        "biotechnology",
        "the digital economy",
        "research and innovation",
        "science and technology",
        "ICT infrastructure",
        "research and development",
    ],
    "space": [
        "satellite development",
        "remote sensing",
        "space cooperation",
        "the space agencies",
        "launch services",
        "earth observation satellites",
    ],
    "trade-investment": [
        "bilateral trade",
        "foreign direct investment",
        "the free trade agreement",
        "tariff reductions",
        "the private sector",
        "banking and finance",
        "economic cooperation",
        "trade and investment",
        "halal exports",
        "small and medium enterprises",
    ],
    "infrastructure-transport": [
        "port development",
        "high-speed rail",
        "direct flights",
        "road construction",
        "maritime connectivity",
        "logistics and transport",
        "infrastructure financing",
    ],
    "agriculture-food": [
        "food security",
        "palm oil exports",
        "fisheries",
        "grain supplies",
        "agricultural modernisation",
        "livestock and dairy",
    ],
    "health": [
        "public health",
        "vaccine production",
        "pharmaceutical supply chains",
        "hospital cooperation",
        "pandemic preparedness",
        "medical research",
    ],
    "education-culture": [
        "scholarships for students",
        "university partnerships",
        "tourism promotion",
        "people-to-people ties",
        "cultural exchanges",
        "vocational education",
        "youth and sport",
    ],
    "environment-climate": [
        "climate change",
        "disaster relief",
        "biodiversity conservation",
        "water management",
        "climate finance",
        "waste management",
    ],
    "humanitarian": [
        "humanitarian aid to Gaza",
        "the war in Ukraine",
        "a lasting ceasefire",
        "refugees",
        "human rights",
        "the crisis in Sudan",
        "humanitarian assistance to Myanmar",
    ],
}

FIRST_NAMES = """Ahmad Anwar Aziz Faisal Hassan Ibrahim Ismail Khalid Mahmoud Mohamed Omar Rashid Said Tariq Yusuf
Zainal Hamzah Recep Kemal Mehmet Mustafa Emine Ayse Hakan Cevdet Fatma Zeynep Wang Li Zhang Chen Liu Yang Huang
Zhao Wu Zhou Hiroshi Yoko Takeshi Fumio Kenji Akira Naoko Sung Min Jae Hyun Narendra Subrahmanyam Priya Rajnath
Arjun Sunita Vladimir Sergei Dmitri Olga Maria Anna Elena Sofia Pedro Luis Carlos Juan Gabriela Lucia Jose
Antonio Emmanuel Olaf Giorgia Pedro Mark Justin Anthony Joseph Kamala Rishi Keir David James Penny Jacinda Julie
Retno Joko Prabowo Sri Bongbong Enrique Lawrence Vivian Hun Manet Thongloun Pham Nguyen Tran Abiy Cyril Bola
Paul William Ruto Samia Yoweri Nana Macky Felix Abdel Fattah Sameh Ayman Faisal Abdullah Tamim Mohammed Sheikh
Ilham Kassym Shavkat Emomali Sadyr Imran Shehbaz Ishaq Sheikh Ranil Anura Pushpa Tshering Lotay Albert Xavier
Luiz Javier Gustavo Gabriel Daniel Claudia Andres Dina Boluarte Santiago Nayib Bernardo Irfaan Mia Ariel""".split()
SURNAMES = """Ibrahim Erdogan Fidan Cavusoglu Kurtulmus Yilmaz Demir Sahin Celik Aydin Ozturk Arslan Dogan Wang Xi Li
Qiang Yi Zhao Kishida Ishiba Hayashi Kamikawa Iwaya Yoon Cho Park Kim Modi Jaishankar Singh Goyal Sitharaman
Putin Lavrov Shoigu Belousov Macron Barrot Scholz Baerbock Meloni Tajani Sanchez Albares Albanese Wong Marles
Luxon Peters Widodo Subianto Marsudi Sugiono Indrawati Marcos Manalo Wong Balakrishnan Manet Sokhonn Siphandone
Chinh Son Thanh Ahmed Ramaphosa Tinubu Ruto Hassan Museveni Akufo-Addo Sall Tshisekedi Sisi Shoukry Abdelatty
Safadi Salman Farhan Thani Zayed Nahyan Aliyev Bayramov Tokayev Mirziyoyev Rahmon Japarov Khan Sharif Dar
Wickremesinghe Dissanayake Dahal Tobgay Lula Vieira Milei Petro Boric Sheinbaum Bukele Arevalo Ali Mottley
Blinken Rubio Austin Hegseth Biden Harris Sullivan Starmer Lammy Cameron Cleverly Trudeau Joly Anand Rutte
Stoltenberg Guterres Kallas Borrell Leyen Michel Costa Grossi Tedros Georgieva Banga Okonjo-Iweala Kasikorn
Rahman Hamid Halim Salleh Hussein Kamaruddin Tan Lim Lee Ong Goh Ng Teo Chua Hashim Yusof Osman Latif Karim""".split()
TITLES = [
    "Prime Minister",
    "President",
    "Foreign Minister",
    "Deputy Prime Minister",
    "Minister",
    "Ambassador",
    "Secretary-General",
    "Vice President",
    "Senior Minister",
    "State Secretary",
    "Deputy Foreign Minister",
    "Special Envoy",
    "Crown Prince",
    "Chancellor",
]
PUBLISHERS = [
    "Bernama",
    "Anadolu Agency",
    "Xinhua",
    "Kyodo News",
    "Yonhap",
    "Press Trust of India",
    "The Star",
    "New Straits Times",
    "Daily Sabah",
    "Hurriyet Daily News",
    "Antara",
    "Philippine News Agency",
    "The Straits Times",
    "Vietnam News Agency",
    "Associated Press of Pakistan",
    "Daily News Egypt",
    "Saudi Press Agency",
    "Emirates News Agency",
    "Qatar News Agency",
    "TASS",
    "Agence France-Presse",
    "Reuters",
    "The Hindu",
    "Dawn",
    "Jakarta Post",
    "Bangkok Post",
    "Khmer Times",
    "The Nation",
    "Gulf News",
    "Arab News",
    "Al Ahram",
    "Premium Times",
    "Daily Nation",
    "Mail & Guardian",
    "Buenos Aires Herald",
    "Agencia Brasil",
    "EFE",
    "ANSA",
    "Deutsche Welle",
    "Kazinform",
]
CITIES = """Putrajaya Kuala Lumpur Ankara Istanbul Beijing Shanghai Tokyo Osaka Seoul New Delhi Mumbai Moscow Paris
Berlin Rome Madrid Canberra Wellington Jakarta Manila Singapore Phnom Penh Vientiane Hanoi Bangkok Addis Ababa
Pretoria Abuja Nairobi Dodoma Kampala Accra Dakar Kinshasa Cairo Amman Riyadh Doha Abu Dhabi Baku Astana Tashkent
Dushanbe Bishkek Islamabad Colombo Kathmandu Thimphu Brasilia Buenos Aires Bogota Santiago Mexico City Lima
Washington Ottawa London Brussels Geneva Vienna New York Davos Bali Jeddah Muscat Kuwait City Tehran Baghdad
Algiers Rabat Tunis Tripoli Khartoum Luanda Maputo Harare Lusaka Windhoek Gaborone Dhaka Yangon Ulaanbaatar""".split(
    "\n"
)
CITIES = [
    c
    for line in CITIES
    for c in re.findall(r"[A-Z][a-z]+(?: (?:City|Lumpur|Delhi|Penh|Ababa|Dhabi|York|Aires))?", line)
]

ADJECTIVES = """important strong close long-standing comprehensive strategic mutual practical concrete new
significant broader deeper regional global bilateral multilateral fruitful productive constructive cordial warm
friendly open frank substantive historic landmark ambitious sustainable inclusive resilient shared common
fundamental key vital central major further additional early timely steady rapid gradual concrete tangible
specific detailed comprehensive balanced fair peaceful stable secure prosperous positive encouraging notable
remarkable considerable promising mature dynamic robust lasting durable reliable transparent effective
efficient joint collective coordinated integrated parallel complementary respective relevant appropriate
necessary urgent pressing complex difficult sensitive outstanding unresolved recent upcoming forthcoming
previous annual quarterly biennial ministerial technical official informal formal preliminary final
long-term medium-term short-term next-generation high-level working-level senior junior expanded enhanced
upgraded renewed revitalised diversified""".split()
NOUNS = """cooperation partnership relationship collaboration agreement memorandum understanding framework
mechanism platform initiative programme project plan roadmap strategy vision commitment pledge effort progress
outcome result achievement milestone opportunity potential prospect challenge issue matter concern priority
interest area field sector domain level stage phase round session meeting visit summit forum conference
dialogue consultation exchange discussion negotiation talk statement declaration communique document protocol
arrangement accord treaty instrument letter note proposal recommendation decision resolution step measure
action policy approach principle value goal objective target aim purpose direction momentum trajectory
foundation basis pillar cornerstone bridge link connection network channel avenue pathway corridor hub centre
capacity capability expertise knowledge experience lesson practice standard norm rule regulation law
institution agency ministry department office committee commission council board panel group team delegation
mission envoy representative counterpart host guest leader official minister diplomat expert scholar
community people nation region neighbourhood continent world order system architecture environment landscape
situation development trend change transformation reform modernisation growth recovery stability peace
security prosperity welfare wellbeing livelihood future generation youth women citizen population public
society economy market industry business enterprise company firm supplier producer consumer buyer partner
stakeholder participant member observer chair secretariat presidency term anniversary occasion ceremony
reception banquet luncheon dinner event exhibition fair expo showcase delegation itinerary schedule agenda
timeline deadline calendar year month week decade century era period moment juncture crossroads threshold
horizon scope scale volume value amount figure number share portion percentage rate ratio balance surplus
deficit gap shortfall demand supply chain route line flow movement mobility access entry presence footprint
impact effect influence role contribution support assistance help aid grant loan credit fund financing budget
resource asset infrastructure facility site location venue city province state capital border coast island
river sea ocean strait bay gulf peninsula mainland territory heritage history tradition culture identity
language faith belief friendship solidarity trust confidence goodwill respect spirit sentiment""".split()
VERBS = """strengthen enhance expand deepen broaden promote advance boost accelerate foster facilitate support
encourage develop explore pursue implement review assess evaluate monitor discuss address consider examine
identify establish launch initiate formalise finalise conclude sign ratify renew extend upgrade elevate
consolidate sustain maintain preserve safeguard protect ensure secure uphold reaffirm reiterate underline
underscore emphasise stress highlight acknowledge recognise welcome appreciate commend praise note express
convey exchange share coordinate harmonise align integrate connect link bridge unlock harness leverage mobilise
channel allocate commit pledge contribute invest participate engage attend host convene chair organise""".split()
ADVERBS = """further significantly substantially greatly considerably steadily rapidly gradually actively closely
jointly mutually continuously consistently effectively efficiently fully firmly strongly warmly sincerely deeply
particularly especially notably mainly largely primarily increasingly progressively swiftly promptly""".split()
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ONSETS = "b br c ch d dr f g gr h j k kh l m n p pr r s sh st t tr v w y z".split()
VOWELS = "a e i o u a e i o ai ei ou ia".split()
CODAS = "n r l s m nd rk nt v st th ng".split()
KINDS = [
    "consortium",
    "project",
    "initiative",
    "corridor",
    "industrial park",
    "institute",
    "foundation",
    "port",
    "group",
    "holdings",
    "special economic zone",
    "programme",
    "fund",
    "centre",
    "terminal",
]
COUNTRY_EXCLUDE = re.compile(
    r"Island|Territor|Antarctica|Guiana|Réunion|Mayotte|Guadeloupe|Martinique|Greenland|Gibraltar|Bermuda|"
    r"Aruba|Anguilla|Samoa, American|American Samoa|Montserrat|Puerto Rico|Curaçao|Sint Maarten|Saint Barth|"
    r"Saint Martin|Saint Pierre|Wallis|Polynesia|Caledonia|Guam|Macao|Hong Kong|Jersey|Guernsey|Isle of Man|"
    r"Faroe|Svalbard|Tokelau|Niue|Pitcairn|Norfolk|Bonaire|Saint Helena|Western Sahara|Holy See|Taiwan|Åland"
)


def countries() -> list[str]:
    """About 190 sovereign states' common English names (from pycountry), sorted."""
    import pycountry

    names = set()
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        if "," not in name and "(" not in name and not COUNTRY_EXCLUDE.search(name):
            names.add(name)
    return sorted(names)


def proper_names(count: int = 30000, seed: int = 0) -> list[str]:
    """``count`` invented place and company names ("Karavel", "Dronmaith"), for the long tail."""
    rng = random.Random(f"names:{seed}")
    names: dict[str, None] = {}
    while len(names) < count:
        parts = [rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.choice([2, 2, 3]))]
        names["".join(parts).capitalize()] = None
    return list(names)


def a_an(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def speakers(count: int = 4000, seed: int = 0) -> list[str]:
    """``count`` distinct two- or three-word names, in a fixed random order."""
    first = list(dict.fromkeys(FIRST_NAMES))
    last = list(dict.fromkeys(SURNAMES))
    pairs = [f"{a} {b}" for a in first for b in last if a != b]
    triples = [f"{a} {m} {b}" for a, m, b in zip(first * 3, first[7:] + first[:7], last * 3)]
    names = list(dict.fromkeys(pairs + triples))
    random.Random(f"speakers:{seed}").shuffle(names)
    return names[:count]


class Zipf:
    """Draw items of a list with weight 1 / rank**s (rank 1 = first item)."""

    def __init__(self, items, s: float = 1.07, weights=None):
        self.items = list(items)
        weights = weights or [1.0 / (rank**s) for rank in range(1, len(self.items) + 1)]
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]

    def distinct(self, rng: random.Random, k: int) -> list:
        chosen: list = []
        for _ in range(50 * k):
            if len(chosen) >= k:
                break
            item = self(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


class Generator:
    def __init__(self, seed: int = 1):
        self.seed = seed
        shuffle = random.Random(f"vocab:{seed}")
        words = {}
        for name, items in (("adj", ADJECTIVES), ("noun", NOUNS), ("verb", VERBS), ("adv", ADVERBS)):
            items = list(dict.fromkeys(items))
            shuffle.shuffle(items)  # which words are frequent depends on the seed only
            words[name] = Zipf(items, s=1.0)
        self.adj, self.noun, self.verb, self.adv = words["adj"], words["noun"], words["verb"], words["adv"]
        self.sector_ids = [s for s, _ in SECTORS]
        self.sector_zipf = Zipf(self.sector_ids, weights=[w for _, w in SECTORS])
        self.sector_count = Zipf([k for k, _ in SECTOR_COUNT_WEIGHTS], weights=[w for _, w in SECTOR_COUNT_WEIGHTS])
        country_list = countries()
        shuffle.shuffle(country_list)
        self.countries = Zipf(country_list, s=0.9)
        self.speakers = Zipf(speakers(seed=seed), s=0.85)
        self.cities = Zipf(CITIES, s=0.8)
        self.publishers = Zipf(PUBLISHERS, s=0.8)
        self.titles = Zipf(TITLES, s=1.2)
        self.names = Zipf(proper_names(seed=seed), s=1.0)
        self.kinds = Zipf(KINDS, s=0.9)
        self.start = date(2016, 1, 1)
        self.days = (date(2025, 12, 31) - self.start).days

    # -- sentences ------------------------------------------------------------
    def np_(self, rng) -> str:
        return f"{self.adj(rng)} {self.noun(rng)}" if rng.random() < 0.6 else self.noun(rng)

    def filler(self, rng, names: list[str], places: list[str]) -> str:
        who = rng.choice(
            [
                "The two sides",
                "Both leaders",
                "The delegations",
                "Officials",
                "The ministers",
                "Both countries",
                "The leaders",
                "Senior officials",
            ]
        )
        place = rng.choice(places) if places else "the region"
        forms = [
            lambda: (
                f"{who} agreed to {self.adv(rng)} {self.verb(rng)} the {self.np_(rng)} and to {self.verb(rng)} the {self.np_(rng)} in the coming months."
            ),
            lambda: (
                f"The {self.np_(rng)} was described as {a_an(self.adj(rng))} {self.noun(rng)} for the {self.noun(rng)} between {place} and its partners."
            ),
            lambda: f"{who} also reviewed the {self.np_(rng)} and the {self.np_(rng)} since the last {self.noun(rng)}.",
            lambda: f"They noted the {self.adj(rng)} {self.noun(rng)} achieved under the {self.np_(rng)}.",
            lambda: (
                f"{a_an(self.np_(rng)).capitalize()} will be held in {self.cities(rng)} next year to {self.verb(rng)} the {self.np_(rng)}."
            ),
            lambda: f"The meeting took place on {rng.choice(WEEKDAYS)} in {self.cities(rng)}.",
            lambda: (
                f"{who} stressed that the {self.np_(rng)} should {self.adv(rng)} {self.verb(rng)} the {self.np_(rng)} of both peoples."
            ),
            lambda: (
                f"Officials said {a_an(self.adj(rng))} {self.noun(rng)} on the {self.np_(rng)} would be finalised by {rng.randint(2016, 2027)}."
            ),
            lambda: f"The {self.noun(rng)} marks the {rng.randint(2, 75)}th anniversary of the {self.np_(rng)}.",
            lambda: (
                f"Figures released on {rng.choice(WEEKDAYS)} put the value of the {self.names(rng)} {self.kinds(rng)} at US${rng.randint(1, 99)}.{rng.randint(0, 9)} billion, up {rng.randint(1, 40)} per cent."
            ),
            lambda: (
                f"The {self.names(rng)} {self.kinds(rng)} in {self.names(rng)} and the {self.names(rng)} {self.kinds(rng)} were cited as examples of the {self.np_(rng)}."
            ),
            lambda: (
                f"Representatives of the {self.names(rng)} {self.kinds(rng)} joined the {self.np_(rng)} in {self.cities(rng)}."
            ),
            lambda: (
                f"It was the {rng.choice(['first', 'second', 'third', 'fourth', 'fifth'])} {self.noun(rng)} of its kind since {rng.randint(1990, 2024)}."
            ),
        ]
        return rng.choice(forms)()

    def topic_sentence(self, rng, sectors: list[str], places: list[str]) -> str:
        topics = [rng.choice(TOPICS[s]) for s in sectors]
        listed = topics[0] if len(topics) == 1 else ", ".join(topics[:-1]) + " and " + topics[-1]
        a = places[0] if places else "the two countries"
        b = places[1] if len(places) > 1 else "their partners"
        forms = [
            f"{a} and {b} agreed to {self.adv(rng)} {self.verb(rng)} cooperation in {listed}.",
            f"The discussions covered {listed}, with both sides pledging to {self.verb(rng)} the {self.np_(rng)}.",
            f"Cooperation in {listed} was identified as {a_an(self.adj(rng))} priority for {a}.",
            f"The two sides signed a memorandum of understanding on {listed} witnessed by senior officials.",
            f"They expressed their commitment to {self.verb(rng)} {listed} through a {self.np_(rng)}.",
        ]
        return rng.choice(forms)

    def speech(self, rng, name: str, sectors: list[str], first_time: bool) -> str:
        who = f"{self.titles(rng)} {name}" if first_time else name
        topic = rng.choice(TOPICS[rng.choice(sectors)]) if sectors else f"the {self.np_(rng)}"
        forms = [
            f"\u201cWe have agreed to {self.verb(rng)} our {self.np_(rng)} in {topic},\u201d {who} said.",
            f"{who} said the {self.np_(rng)} would {self.adv(rng)} {self.verb(rng)} {topic}.",
            f"According to {who}, {topic} remains {a_an(self.adj(rng))} part of the {self.noun(rng)}.",
            f"{who} stressed the importance of {topic} for the {self.np_(rng)} of the region.",
            f"\u201cThis is {a_an(self.adj(rng))} {self.noun(rng)} for {topic},\u201d {who} told reporters.",
        ]
        return rng.choice(forms)

    # -- paragraphs and articles ------------------------------------------------
    def paragraph(self, rng, article_speakers, article_countries, introduced: set) -> tuple[str, dict]:
        k = self.sector_count(rng)
        sectors = sorted(self.sector_zipf.distinct(rng, k), key=self.sector_ids.index) if k else []
        places = [c for c in article_countries if rng.random() < 0.55]
        names = [n for n in article_speakers if rng.random() < 0.4][:2]
        sentences = []
        if sectors:
            sentences.append(self.topic_sentence(rng, sectors, places))
        elif places:
            sentences.append(
                f"{places[0]} {rng.choice(['hosted', 'welcomed', 'received'])} the {self.np_(rng)} of the {self.names(rng)} {self.kinds(rng)}."
            )
        for name in names:
            sentences.append(self.speech(rng, name, sectors, name not in introduced))
            introduced.add(name)
        target = rng.randint(60, 120)
        count = sum(len(s.split()) for s in sentences)
        tries = 0
        while count < target and tries < 40:
            tries += 1
            sentence = self.filler(rng, names, places)
            words = len(sentence.split())
            if count + words > 120:
                continue
            sentences.insert(rng.randint(0, len(sentences)), sentence)
            count += words
        tags = {"sectors": sectors, "speakers": names, "countries": places}
        return " ".join(sentences), tags

    def article(self, rng, article_id: str, size: int) -> dict:
        article_countries = self.countries.distinct(rng, rng.choice([1, 2, 2, 2, 3]))
        article_speakers = self.speakers.distinct(rng, rng.choice([1, 1, 2, 2, 3]))
        day = self.start + timedelta(days=int(self.days * math.sqrt(rng.random())))  # more news lately
        publisher = self.publishers(rng)
        introduced: set = set()
        paragraphs, tags = [], []
        for _ in range(size):
            text, tag = self.paragraph(rng, article_speakers, article_countries, introduced)
            paragraphs.append(text)
            tags.append(tag)
        topic = rng.choice(TOPICS[self.sector_zipf(rng)])
        title = rng.choice(
            [
                f"{' and '.join(article_countries[:2])} agree to {self.verb(rng)} {topic}",
                f"{article_speakers[0]} calls for {self.adj(rng)} cooperation on {topic}",
                f"{article_countries[0]} and partners discuss {topic} in {self.cities(rng)}",
            ]
        )
        return {
            "id": article_id,
            "title": title,
            "date": day.isoformat(),
            "dateline": self.cities(rng).upper(),
            "source": publisher,
            "url": f"https://news.example/{publisher.lower().replace(' ', '-').replace('&', 'and')}/{article_id}",
            "text": "\n\n".join(paragraphs),
            "paragraph_tags": tags,
        }

    def shard(self, shard: int, paragraphs: int) -> list[dict]:
        rng = random.Random(f"{self.seed}:{shard}")
        articles, remaining, number = [], paragraphs, 0
        while remaining > 0:
            size = rng.randint(5, 20)
            if remaining - size < 5:
                size = remaining if remaining <= 20 else remaining - 5
            articles.append(self.article(rng, f"bench-{shard:05d}-{number:04d}", size))
            remaining -= size
            number += 1
        return articles


def shard_sizes(total: int) -> list[int]:
    count = max(1, total // SHARD_PARAGRAPHS)
    return [SHARD_PARAGRAPHS] * (count - 1) + [total - SHARD_PARAGRAPHS * (count - 1)]


def _write_shard(args) -> tuple[int, int, int]:
    seed, shard, size, folder = args
    articles = Generator(seed).shard(shard, size)
    path = Path(folder) / f"articles-{shard:05d}.jsonl"
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return shard, len(articles), path.stat().st_size


def generate(folder: str | Path, paragraphs: int, seed: int = 1, procs: int | None = None) -> dict:
    """Write the corpus under ``folder`` (reused when already complete); return its description."""
    folder = Path(folder)
    manifest_path = folder / "corpus.json"
    wanted = {"format": FORMAT, "paragraphs": paragraphs, "seed": seed}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if all(manifest.get(k) == v for k, v in wanted.items()):
            return dict(manifest, reused=True)
    if folder.exists():
        for old in folder.glob("articles-*.jsonl"):
            old.unlink()
        manifest_path.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    sizes = shard_sizes(paragraphs)
    jobs = [(seed, shard, size, str(folder)) for shard, size in enumerate(sizes)]
    procs = max(1, min(procs or os.cpu_count() or 1, len(jobs)))
    started = time.perf_counter()
    if procs == 1:
        done = [_write_shard(job) for job in jobs]
    else:
        with get_context("fork").Pool(procs) as pool:
            done = pool.map(_write_shard, jobs, chunksize=1)
    seconds = time.perf_counter() - started
    manifest = dict(
        wanted,
        articles=sum(d[1] for d in done),
        files=len(done),
        bytes=sum(d[2] for d in done),
        seconds=round(seconds, 2),
        countries=len(countries()),
        speakers_pool=len(speakers(seed=seed)),
    )
    manifest.update(stats(folder))
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return dict(manifest, reused=False)


def read_articles(folder: str | Path, limit: int | None = None):
    count = 0
    for path in sorted(Path(folder).glob("articles-*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)
                count += 1
                if limit is not None and count >= limit:
                    return


def stats(folder: str | Path, sample_articles: int = 400) -> dict:
    """Facts about the text and tags of a sample of the corpus (first shard)."""
    words: Counter = Counter()
    lengths, sector_counts, tagged = [], Counter(), Counter()
    sectors_per = Counter()
    for article in read_articles(folder, sample_articles):
        for text, tags in zip(article["text"].split("\n\n"), article["paragraph_tags"]):
            tokens = re.findall(r"[a-z]+", text.lower())
            words.update(tokens)
            lengths.append(len(text.split()))
            sector_counts.update(tags["sectors"])
            sectors_per[len(tags["sectors"])] += 1
            for name in ("speakers", "countries"):
                tagged[name] += bool(tags[name])
    n = len(lengths)
    ranked = [count for _, count in words.most_common()]
    # least-squares slope of log(frequency) against log(rank): about -1 for Zipf's law
    xs = [math.log(r) for r in range(1, len(ranked) + 1)]
    ys = [math.log(c) for c in ranked]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return {
        "sample": {
            "paragraphs": n,
            "words_min": min(lengths),
            "words_max": max(lengths),
            "words_mean": round(sum(lengths) / n, 1),
            "distinct_words": len(words),
            "zipf_slope": round(slope, 2),
            "top_words": [w for w, _ in words.most_common(12)],
            "sector_share": {s: round(c / n, 3) for s, c in sector_counts.most_common()},
            "sectors_per_paragraph": {str(k): round(v / n, 3) for k, v in sorted(sectors_per.items())},
            "with_speaker": round(tagged["speakers"] / n, 3),
            "with_country": round(tagged["countries"] / n, 3),
        }
    }
