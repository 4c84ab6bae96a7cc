"""Generate a deterministic synthetic community hub to benchmark builds against.

A benchmark is only as honest as its content. This script writes, for a given
number of articles N, a hub that looks like years of a real community's work:

- N articles with realistic Markdown (headings, lists, links between articles,
  fenced code, images, tables, quotes), YAML front matter, authors, tags,
  categories, series, spotlights and forum topics;
- N/10 events (several formats and statuses, time zones, weekly recurrences
  with exception dates, hosts and speakers);
- N/7 member profiles (a few without consent, never referenced);
- a forum snapshot (format 1) of N/2 topics with participants and best replies;
- the same N articles with Pelican's native ``Key: value`` metadata and the same
  bodies, for the bare-Pelican baseline (bare Pelican does not read YAML headers).

Layout written under ``OUT``::

    OUT/agora/content/{articles,events,members,pages,images}/  series.yml
    OUT/agora/data/forum/snapshot.json  avatars/
    OUT/bare/content/{articles,images}/

The output depends only on N and the seed (no clock, no hash ordering), so two
runs give byte-identical files; the benchmark and its test rely on that.

    python tools/corpus.py --articles 2000 --out /tmp/corpus [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import struct
import sys
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:  # runnable before `pip install -e .`
    sys.path.insert(0, str(ROOT / "plugins"))

from agora.forum.snapshot import SNAPSHOT_FILE, dump_json, snapshot_from_dict  # noqa: E402

DEFAULT_SEED = 7
#: The demo's pinned "now": the newest article is dated just before it.
CORPUS_NOW = datetime(2026, 11, 20, 10, 0)
FORUM_URL = "https://forum.jardiniers-du-partage.example"
SNAPSHOT_TAKEN_AT = "2026-11-20T08:00:00+01:00"
PHOTO_COUNT = 12

FIRST_NAMES = (
    "Camille", "Yanis", "Sofia", "Hugo", "Amina", "Louis", "Inès", "Théo", "Léa", "Nathan",
    "Chloé", "Lucas", "Manon", "Jules", "Zoé", "Adam", "Lina", "Gabriel", "Jade", "Raphaël",
    "Louise", "Arthur", "Emma", "Noah", "Alice", "Malo", "Rose", "Sacha", "Anna", "Mathis",
    "Juliette", "Ethan", "Agathe", "Tom", "Margaux", "Paul", "Clara", "Nolan", "Elsa", "Victor",
)
LAST_NAMES = (
    "Roux", "Benali", "Martin", "Lefebvre", "Diallo", "Garnier", "Moreau", "Dubois", "Bernard",
    "Petit", "Durand", "Leroy", "Fontaine", "Chevalier", "Mercier", "Blanc", "Guerin", "Faure",
    "Andre", "Rousseau", "Girard", "Bonnet", "Lambert", "Fournier", "Morel", "Mathieu", "Gauthier",
    "Perrin", "Robin", "Clement", "Nicolas", "Henry", "Masson", "Marchand", "Duval", "Denis",
    "Lemoine", "Boyer", "Carpentier", "Aubert",
)
CITIES = ("Lyon", "Nantes", "Lille", "Marseille", "Bordeaux", "Rennes", "Grenoble", "Dakar",
          "Montréal", "Bruxelles", "Genève", "Toulouse", "Strasbourg", "Nouméa")
TIME_ZONES = ("Europe/Paris", "Europe/Paris", "Europe/Paris", "Europe/Brussels",
              "America/Montreal", "Africa/Dakar", "Pacific/Noumea", "Europe/Zurich")
ROLES = ("ambassador", "moderator", "expert", "organiser", "staff", "member", "newcomer")
EXPERTISE = ("compost", "permaculture", "semences", "irrigation", "apiculture", "taille",
             "potager", "plantes aromatiques", "paillage", "arbres fruitiers", "animation")
CATEGORIES = ("Astuces", "Portraits", "Vie des jardins", "Techniques", "Rencontres")
TAGS = ("compost", "paillage", "semences", "arrosage", "potager", "hiver", "printemps", "été",
        "automne", "outils", "biodiversité", "abeilles", "tomates", "fraisiers", "sol",
        "grainothèque", "entraide", "récolte", "taille", "permaculture", "balcon", "enfants",
        "quartier", "eau", "fruitiers")
TOPICS = ("pailler les fraisiers", "réussir son compost", "semer les tomates",
          "récupérer l'eau de pluie", "tailler les framboisiers", "accueillir les abeilles",
          "planifier la saison", "partager les outils", "conserver les graines",
          "protéger du gel", "associer les cultures", "nourrir le sol", "lutter sans pesticide",
          "cultiver sur un balcon", "organiser une fête de quartier", "accueillir un nouveau",
          "installer une mare", "bouturer les aromatiques", "choisir ses engrais verts",
          "arroser moins et mieux")
SENTENCES = (
    "Au jardin partagé, chaque geste compte et se transmet de main en main.",
    "Nous avons testé cette méthode sur trois parcelles pendant deux saisons.",
    "Le sol reste couvert tout l'hiver, ce qui protège la vie microbienne.",
    "Pensez à noter vos observations dans le cahier commun de la cabane.",
    "Les débutants peuvent commencer petit : une planche suffit pour apprendre.",
    "Un arrosage profond une fois par semaine vaut mieux que dix arrosages légers.",
    "La grainothèque du quartier accueille vos surplus de semences bien séchées.",
    "Demandez conseil aux référents : ils répondent aussi sur le forum.",
    "Le broyat de branches fait un excellent paillage pour les allées.",
    "Les enfants de l'école voisine viennent le mercredi observer les insectes.",
    "Une rotation simple sur quatre ans limite les maladies du sol.",
    "Nous avons compté plus de vingt espèces de pollinisateurs cet été.",
    "Le compost mûr se reconnaît à son odeur de sous-bois.",
    "Chaque parcelle a désormais son panneau avec le nom des cultures.",
    "Les récoltes en trop partent à l'épicerie solidaire le samedi matin.",
    "Prévoyez des gants, un sécateur propre et un peu de patience.",
    "La mare attire les grenouilles, qui nous débarrassent des limaces.",
    "Le chantier participatif a réuni une trentaine de voisins motivés.",
    "Semez clair : vous éclaircirez moins et vos plants seront plus vigoureux.",
    "En cas de doute, posez votre question dans la catégorie Entraide.",
)
HEADINGS = ("Pourquoi c'est utile", "Ce qu'il vous faut", "Étape par étape", "Nos erreurs",
            "Ce que disent les membres", "Pour aller plus loin", "Le calendrier",
            "Questions fréquentes")
CODE_SNIPPETS = (
    ("yaml", "arrosage:\n  frequence: 2 fois par semaine\n  heure: \"07:00\"\n"
             "  parcelles: [A1, A2, B4]\n  capteur_humidite: true\n"),
    ("python", "def besoin_en_eau(surface_m2: float, pluie_mm: float) -> float:\n"
               "    \"\"\"Litres à apporter cette semaine.\"\"\"\n"
               "    besoin = surface_m2 * 20\n"
               "    return max(0.0, besoin - surface_m2 * pluie_mm)\n"),
    ("bash", "# sauvegarder le cahier de culture partagé\n"
             "rsync -av cahier/ sauvegarde/cahier-$(date +%F)/\n"),
    ("json", "{\n  \"parcelle\": \"B4\",\n  \"cultures\": [\"tomate\", \"basilic\", \"souci\"],\n"
             "  \"responsable\": \"equipe-mercredi\"\n}\n"),
)
EVENT_FORMATS = ("webinar", "ama", "live-faq", "meetup", "workshop", "conference", "social")
EVENT_TITLES = ("Atelier {t}", "Webinaire : {t}", "Questions-réponses : {t}",
                "Rencontre au jardin : {t}", "Chantier participatif : {t}", "Café jardin : {t}")
FORUM_CATEGORIES = (
    (5, "Présentations", "presentations", "8BC34A"),
    (6, "Entraide", "entraide", "25AAE2"),
    (7, "Événements", "evenements", "F7941D"),
    (8, "Idées & retours", "idees-retours", "9C27B0"),
    (9, "Techniques", "techniques", "3F51B5"),
)


def slugify(text: str) -> str:
    """ASCII slug of a French title (what editors would name the file)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)


def yaml_text(value: str) -> str:
    """A YAML scalar for any text: JSON strings are valid double-quoted YAML."""
    return json.dumps(value, ensure_ascii=False)


def tiny_png(seed: str) -> bytes:
    """A valid 8x8 single-colour PNG, distinct per seed (images must exist to be linked)."""
    digest = zlib.crc32(seed.encode())
    colour = bytes(((digest >> 16) & 255, (digest >> 8) & 255, digest & 255))
    raw = b"".join(b"\x00" + colour * 8 for _ in range(8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def iso_z(moment: datetime) -> str:
    """Discourse's timestamp style (UTC, milliseconds, Z)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Member:
    slug: str
    name: str
    discourse: str
    consent: bool


@dataclass
class Article:
    slug: str
    title: str
    date: datetime
    author: str
    category: str
    tags: list[str]
    summary: str
    body: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CorpusInfo:
    """What was generated, for the benchmark's report and its sanity checks."""

    root: Path
    articles: int
    events: int
    members: int
    forum_topics: int
    seed: int

    @property
    def agora_content(self) -> Path:
        return self.root / "agora" / "content"

    @property
    def forum_snapshot(self) -> Path:
        return self.root / "agora" / "data" / "forum"

    @property
    def bare_content(self) -> Path:
        return self.root / "bare" / "content"

    def article_files(self) -> list[Path]:
        """The Agora article files, in name order (the benchmark edits one of them)."""
        return sorted((self.agora_content / "articles").glob("*.md"))


class CorpusWriter:
    """Builds every file of the corpus from one seeded random generator.

    The order of calls below is part of the output: changing it changes the
    corpus (which is fine, but makes old and new results incomparable).
    """

    def __init__(self, root: Path, articles: int, seed: int = DEFAULT_SEED):
        if articles < 1:
            raise ValueError("a corpus needs at least one article")
        self.root = root
        self.article_count = articles
        self.event_count = max(1, articles // 10)
        self.member_count = max(3, articles // 7)
        self.topic_count = max(1, articles // 2)
        self.seed = seed
        self.random = random.Random(seed)
        self.members: list[Member] = []
        self.forum_users: list[str] = []
        self.topic_ids: list[int] = []

    # -- helpers ----------------------------------------------------------------------

    def _write(self, relative: str, text: str | bytes) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8", newline="\n")

    def _paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self.random.choice(SENTENCES) for _ in range(self.random.randint(low,
                                                                                       high)))

    def _consenting(self) -> list[Member]:
        return [m for m in self.members if m.consent]

    # -- members ------------------------------------------------------------------------

    def make_members(self) -> None:
        seen: dict[str, int] = {}
        for index in range(self.member_count):
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = LAST_NAMES[(index // len(FIRST_NAMES) + index * 7) % len(LAST_NAMES)]
            base = slugify(f"{first} {last}")
            seen[base] = seen.get(base, 0) + 1
            slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
            # every 20th profile has not consented: it must never be referenced
            consent = index % 20 != 19
            username = slug.replace("-", ".")[:20] + (f"{index}" if seen[base] > 1 else "")
            self.members.append(Member(slug, f"{first} {last}", username, consent))
        for member in self.members:
            has_avatar = member.consent and self.random.random() < 0.34
            if has_avatar:
                self._write(f"agora/content/images/members/{member.slug}.png",
                            tiny_png(member.slug))
            self._write(f"agora/content/members/{member.slug}.md",
                        self._member_text(member, has_avatar))

    def _member_text(self, member: Member, has_avatar: bool) -> str:
        rnd = self.random
        roles = sorted(set(rnd.sample(ROLES, rnd.randint(1, 2))), key=ROLES.index)
        since = CORPUS_NOW.date() - timedelta(days=rnd.randint(30, 2500))
        reconfirmed = CORPUS_NOW.date() - timedelta(days=rnd.randint(1, 300))
        lines = ["---", f"name: {yaml_text(member.name)}",
                 f"roles: [{', '.join(roles)}]", f"since: {since.isoformat()}",
                 f"discourse: {yaml_text(member.discourse)}"]
        if "expert" in roles or rnd.random() < 0.3:
            lines.append("expertise: [" + ", ".join(yaml_text(e) for e in
                                                   rnd.sample(EXPERTISE, 2)) + "]")
        lines.append(f"location: {yaml_text(rnd.choice(CITIES))}")
        if has_avatar:
            lines.append(f"avatar: images/members/{member.slug}.png")
        if rnd.random() < 0.3:
            lines += ["links:", f"  website: https://{member.slug}.example"]
        lines += [f"consent: {'true' if member.consent else 'false'}",
                  f"reconfirmed: {reconfirmed.isoformat()}", "---",
                  self._paragraph(2, 4), ""]
        return "\n".join(lines)

    # -- forum --------------------------------------------------------------------------

    def make_forum(self) -> None:
        rnd = self.random
        self.forum_users = [m.discourse for m in self._consenting()] + [
            f"voisin{i}" for i in range(max(5, self.member_count // 2))]
        taken_at = datetime.fromisoformat(SNAPSHOT_TAKEN_AT)
        for username in self.forum_users:
            self._write(f"agora/data/forum/avatars/{username}.png", tiny_png(username))
        topics: dict[str, dict[str, Any]] = {}
        summaries = []
        for index in range(self.topic_count):
            topic_id = 1000 + index
            self.topic_ids.append(topic_id)
            category = rnd.choice(FORUM_CATEGORIES)
            title = f"{rnd.choice(TOPICS).capitalize()} : retour d'expérience n°{index + 1}"
            slug = slugify(title)
            created = taken_at - timedelta(days=rnd.randint(1, 900), minutes=rnd.randint(0, 1440))
            bumped = min(taken_at, created + timedelta(days=rnd.randint(0, 60),
                                                       minutes=rnd.randint(0, 1440)))
            posts_count = rnd.randint(1, 60)
            people = rnd.sample(self.forum_users, min(len(self.forum_users), rnd.randint(1, 6)))
            summary = {
                "id": topic_id, "title": title, "slug": slug,
                "url": f"{FORUM_URL}/t/{slug}/{topic_id}", "category_id": category[0],
                "tags": rnd.sample(TAGS, 2), "posts_count": posts_count,
                "replies": posts_count - 1, "highest_post_number": posts_count,
                "created_at": iso_z(created), "last_posted_at": iso_z(bumped),
                "bumped_at": iso_z(bumped), "views": rnd.randint(10, 5000),
                "like_count": rnd.randint(0, 200), "pinned": False, "pinned_globally": False,
                "closed": rnd.random() < 0.05, "archived": False, "visible": True,
                "excerpt": self._paragraph(1, 2), "last_poster_username": people[-1],
                "posters": people,
            }
            best = []
            for number in range(min(posts_count - 1, rnd.randint(0, 3))):
                author = rnd.choice(people)
                best.append({
                    "username": author, "name": author, "avatar": f"avatars/{author}.png",
                    "cooked_html": f"<p>{self._paragraph(1, 3)}</p><p>Voir "
                                   f"<a href=\"{FORUM_URL}/t/{slug}/{topic_id}\">le fil</a>.</p>",
                    "like_count": rnd.randint(0, 40), "post_number": number + 2,
                    "created_at": iso_z(bumped), "url": f"{FORUM_URL}/t/{slug}/{topic_id}/"
                                                         f"{number + 2}",
                })
            topics[str(topic_id)] = {
                **summary,
                "author": {"username": people[0], "name": people[0],
                           "avatar": f"avatars/{people[0]}.png"},
                "participants": [{"username": u, "name": u, "avatar": f"avatars/{u}.png",
                                  "post_count": rnd.randint(1, 10)} for u in people],
                "best_replies": best,
            }
            summaries.append(summary)
        by_activity = sorted(summaries, key=lambda s: (s["bumped_at"], s["id"]), reverse=True)
        by_likes = sorted(summaries, key=lambda s: (s["like_count"], s["id"]), reverse=True)
        category_lists = {
            slug: {"id": cid,
                   "latest": [s["id"] for s in by_activity if s["category_id"] == cid][:10],
                   "top": {"monthly": [s["id"] for s in by_likes if s["category_id"] == cid][:10]}}
            for cid, _, slug, _ in FORUM_CATEGORIES
        }
        stats = {"topics": self.topic_count, "posts": sum(s["posts_count"] for s in summaries),
                 "users": len(self.forum_users), "likes": sum(s["like_count"] for s in summaries),
                 "active_users_7_days": len(self.forum_users) // 4,
                 "active_users_30_days": len(self.forum_users) // 2,
                 "posts_7_days": self.topic_count // 10, "posts_30_days": self.topic_count // 3}
        history = [{**{k: max(0, int(v * (1 - 0.02 * week))) for k, v in stats.items()},
                    "taken_at": (taken_at - timedelta(weeks=week)).isoformat()}
                   for week in range(8, 0, -1)]
        document = {
            "format": 1, "taken_at": SNAPSHOT_TAKEN_AT, "forum_url": FORUM_URL,
            "categories": [{"id": cid, "name": name, "slug": slug, "color": colour,
                            "text_color": "FFFFFF", "description": f"La catégorie {name}.",
                            "parent_category_id": None, "position": position,
                            "topic_count": sum(1 for s in summaries if s["category_id"] == cid),
                            "post_count": sum(s["posts_count"] for s in summaries
                                              if s["category_id"] == cid),
                            "url": f"{FORUM_URL}/c/{slug}/{cid}"}
                           for position, (cid, name, slug, colour) in enumerate(FORUM_CATEGORIES)],
            "latest": by_activity[:30],
            "top": {"weekly": [s["id"] for s in by_likes[:5]],
                    "monthly": [s["id"] for s in by_likes[:10]]},
            "category_lists": category_lists,
            "topics": topics,
            "stats": stats,
            "directory": [{"username": u, "name": u, "title": "", "avatar": f"avatars/{u}.png",
                           "likes_received": 100 - i, "likes_given": 50, "post_count": 40 - i,
                           "topic_count": 5, "days_visited": 20}
                          for i, u in enumerate(self.forum_users[:20])],
            "users": {m.discourse: {"username": m.discourse, "name": m.name,
                                    "avatar": f"avatars/{m.discourse}.png",
                                    "post_count": rnd.randint(1, 300),
                                    "likes_received": rnd.randint(0, 500), "trust_level": 2,
                                    "url": f"{FORUM_URL}/u/{m.discourse}"}
                      for m in self._consenting()},
            "events": [],
            "history": history,
        }
        snapshot_from_dict(document, self.root / "agora/data/forum")  # fail here, not mid-bench
        self._write(f"agora/data/forum/{SNAPSHOT_FILE}", dump_json(document))

    # -- articles -------------------------------------------------------------------------

    def make_articles(self) -> list[Article]:
        rnd = self.random
        authors = self._consenting()
        articles: list[Article] = []
        # one article every ~1.3 days back from "now"; the newest few are scheduled
        for index in range(self.article_count):
            topic = rnd.choice(TOPICS)
            kind = rnd.random()
            extra: dict[str, Any] = {}
            if kind < 0.25:
                title = f"Astuce du mardi n°{index + 1} : {topic}"
                category, extra["series"] = "Astuces", "astuces-du-mardi"
            elif kind < 0.32:
                subject = rnd.choice(authors)
                title = f"Portrait n°{index + 1} : {subject.name}"
                category, extra["series"] = "Portraits", "portrait-du-mois"
                extra["spotlight"] = subject.slug
            else:
                title = f"{topic.capitalize()} ({rnd.choice(CITIES)}, n°{index + 1})"
                category = rnd.choice(CATEGORIES[2:])
            date = CORPUS_NOW - timedelta(hours=31 * (self.article_count - index) - 40)
            date = date.replace(minute=0, second=0)
            if rnd.random() < 0.1 and self.topic_ids:
                extra["forum_topic"] = rnd.choice(self.topic_ids)
            if rnd.random() < 0.3:
                photo = rnd.randrange(PHOTO_COUNT)
                extra["image"] = f"images/photos/photo-{photo:02d}.png"
                extra["image_alt"] = f"Photo du jardin n°{photo}"
            article = Article(
                slug=slugify(title), title=title, date=date, author=rnd.choice(authors).slug,
                category=category, tags=sorted(rnd.sample(TAGS, rnd.randint(1, 4))),
                summary=self._paragraph(1, 2), body="", extra=extra)
            article.body = self._article_body(article, articles)
            articles.append(article)
        for photo in range(PHOTO_COUNT):
            png = tiny_png(f"photo-{photo}")
            self._write(f"agora/content/images/photos/photo-{photo:02d}.png", png)
            self._write(f"bare/content/images/photos/photo-{photo:02d}.png", png)
        for article in articles:
            self._write(f"agora/content/articles/{article.slug}.md", self._agora_article(article))
            self._write(f"bare/content/articles/{article.slug}.md", self._bare_article(article))
        return articles

    def _article_body(self, article: Article, earlier: list[Article]) -> str:
        rnd = self.random
        parts = [self._paragraph(3, 5)]
        for heading in rnd.sample(HEADINGS, rnd.randint(2, 4)):
            parts.append(f"## {heading}")
            parts.append(self._paragraph(2, 6))
            shape = rnd.random()
            if shape < 0.35:
                parts.append("\n".join(f"- **{rnd.choice(TAGS).capitalize()}** : "
                                       f"{rnd.choice(SENTENCES)}"
                                       for _ in range(rnd.randint(3, 6))))
            elif shape < 0.55:
                parts.append("\n".join(f"{n + 1}. {rnd.choice(SENTENCES)}"
                                       for n in range(rnd.randint(3, 5))))
            elif shape < 0.7:
                parts.append(f"> {rnd.choice(SENTENCES)}\n>\n> — {rnd.choice(FIRST_NAMES)}")
            elif shape < 0.8:
                rows = "\n".join(f"| {rnd.choice(TAGS)} | {rnd.randint(1, 12)} | "
                                 f"{rnd.choice(('oui', 'non', 'parfois'))} |"
                                 for _ in range(rnd.randint(3, 5)))
                parts.append(f"| culture | mois | paillage |\n|---|---|---|\n{rows}")
            if earlier and rnd.random() < 0.5:
                other = earlier[rnd.randrange(len(earlier))]
                parts.append(f"Lire aussi : [{other.title}]({{filename}}/articles/"
                             f"{other.slug}.md), et la [documentation du jardin]"
                             f"(https://jardiniers-du-partage.example/doc/{rnd.randint(1, 50)}).")
        if rnd.random() < 0.4:
            language, code = rnd.choice(CODE_SNIPPETS)
            parts.append(f"Exemple de `{language}` utilisé au jardin :")
            parts.append(f"```{language}\n{code}```")
        if rnd.random() < 0.35:
            photo = rnd.randrange(PHOTO_COUNT)
            parts.append(f"![Parcelle {photo} au printemps]({{static}}/images/photos/"
                         f"photo-{photo:02d}.png)")
        parts.append(self._paragraph(1, 3))
        return "\n\n".join(parts) + "\n"

    def _agora_article(self, article: Article) -> str:
        lines = ["---", f"title: {yaml_text(article.title)}",
                 f"date: {article.date.strftime('%Y-%m-%dT%H:%M')}",
                 f"author: {article.author}", f"category: {yaml_text(article.category)}",
                 "tags: [" + ", ".join(yaml_text(t) for t in article.tags) + "]",
                 f"summary: {yaml_text(article.summary)}"]
        for key, value in article.extra.items():
            lines.append(f"{key}: {yaml_text(value) if isinstance(value, str) else value}")
        return "\n".join([*lines, "---", article.body])

    def _bare_article(self, article: Article) -> str:
        lines = [f"Title: {article.title}", f"Date: {article.date.strftime('%Y-%m-%d %H:%M')}",
                 f"Author: {article.author}", f"Category: {article.category}",
                 f"Tags: {', '.join(article.tags)}", f"Summary: {article.summary}"]
        # the same extra metadata as plain text: bare Pelican keeps it as strings
        lines += [f"{key.capitalize()}: {value}" for key, value in article.extra.items()]
        return "\n".join(lines) + "\n\n" + article.body

    # -- events ---------------------------------------------------------------------------

    def make_events(self) -> None:
        rnd = self.random
        hosts = self._consenting()
        for index in range(self.event_count):
            topic = rnd.choice(TOPICS)
            title = rnd.choice(EVENT_TITLES).format(t=topic) + f" ({index + 1})"
            # mostly past, about a fifth upcoming (the demo "now" is CORPUS_NOW)
            offset_days = rnd.randint(-900, 120)
            start = (CORPUS_NOW + timedelta(days=offset_days)).replace(
                hour=rnd.choice((10, 14, 18, 19)), minute=rnd.choice((0, 30)))
            event_format = rnd.choice(EVENT_FORMATS)
            online = event_format in ("webinar", "ama", "live-faq") or rnd.random() < 0.1
            lines = ["---", f"title: {yaml_text(title)}",
                     f"start: {start.strftime('%Y-%m-%dT%H:%M')}"]
            if rnd.random() < 0.5:
                lines.append(f"duration: {rnd.choice(('1h', 'PT1H30M', '2h', '90min'))}")
            else:
                end = start + timedelta(hours=rnd.choice((1, 2, 3)))
                lines.append(f"end: {end.strftime('%Y-%m-%dT%H:%M')}")
            lines += [f"timezone: {rnd.choice(TIME_ZONES)}", f"format: {event_format}",
                      f"attendance: {'online' if online else rnd.choice(('in-person', 'mixed'))}"]
            if online:
                lines.append(f"online_url: https://visio.jardiniers-du-partage.example/{index}")
            else:
                city = rnd.choice(CITIES)
                lines.append(f"location: {{name: {yaml_text('Jardin de ' + city)}, "
                             f"city: {yaml_text(city)}, country: FR}}")
            if rnd.random() < 0.5:
                lines.append(f"registration_url: https://jardiniers-du-partage.example/"
                             f"inscription/{index}")
                lines.append(f"capacity: {rnd.randint(8, 200)}")
            status = rnd.random()
            if status < 0.04:
                lines.append("status: cancelled")
            elif status < 0.07:
                previous = start - timedelta(days=7)
                lines += ["status: rescheduled",
                          f"previous_start: {previous.strftime('%Y-%m-%dT%H:%M')}"]
            elif status < 0.09:
                lines.append("status: postponed")
            if rnd.random() < 0.06:
                weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
                skipped = start + timedelta(weeks=2)
                lines += [f"rrule: FREQ=WEEKLY;BYDAY={weekday};COUNT={rnd.randint(4, 12)}",
                          f"exdates: [{skipped.strftime('%Y-%m-%dT%H:%M')}]"]
            people = rnd.sample(hosts, min(len(hosts), rnd.randint(1, 3)))
            lines.append(f"hosts: [{people[0].slug}]")
            if len(people) > 1:
                lines.append("speakers: [" + ", ".join(p.slug for p in people[1:]) + "]")
            lines.append("tags: [" + ", ".join(yaml_text(t) for t in rnd.sample(TAGS, 2)) + "]")
            if rnd.random() < 0.2 and self.topic_ids:
                lines.append(f"forum_topic: {rnd.choice(self.topic_ids)}")
            if offset_days < 0 and online and rnd.random() < 0.5:
                lines.append(f"recording_url: https://video.jardiniers-du-partage.example/{index}")
            lines += ["---", self._paragraph(2, 4), "",
                      f"## {rnd.choice(HEADINGS)}", "", self._paragraph(2, 4), ""]
            self._write(f"agora/content/events/{slugify(title)}.md", "\n".join(lines))

    # -- pages and series -----------------------------------------------------------------

    def make_pages(self) -> None:
        self._write("agora/content/series.yml", (
            "astuces-du-mardi:\n  title: \"Les astuces du mardi\"\n  cadence: weekly\n"
            "portrait-du-mois:\n  title: \"Le portrait du mois\"\n  cadence: monthly\n"))
        self._write("agora/content/pages/about.md", (
            "---\ntitle: \"À propos\"\n---\n" + self._paragraph(3, 5) + "\n"))
        self._write("agora/content/pages/onboarding.md", (
            "---\ntitle: \"Bienvenue : par où commencer\"\n---\n" + self._paragraph(3, 5) + "\n"))
        self._write("agora/content/pages/charter/charte.md", (
            "---\ntitle: \"Charte de la communauté\"\nslug: charter\nversion: \"1.0\"\n"
            "effective: 2025-01-01\nsummary: \"Soyons bienveillants et partageons.\"\n---\n"
            "## 1. Bienveillance\n\n" + self._paragraph(2, 3) + "\n\n## 2. Partage\n\n"
            + self._paragraph(2, 3) + "\n"))

    def write(self) -> CorpusInfo:
        """Write the whole corpus (replacing any previous one under ``root``)."""
        for part in ("agora", "bare"):
            shutil.rmtree(self.root / part, ignore_errors=True)
        self.make_members()
        self.make_forum()
        self.make_articles()
        self.make_events()
        self.make_pages()
        return CorpusInfo(self.root, self.article_count, self.event_count, self.member_count,
                          self.topic_count, self.seed)


def generate(root: Path | str, articles: int, seed: int = DEFAULT_SEED) -> CorpusInfo:
    """Write a corpus of ``articles`` articles under ``root`` and describe it."""
    return CorpusWriter(Path(root), articles, seed).write()


def corpus_files(root: Path | str) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of every corpus file in path order (to compare two corpora)."""
    base = Path(root)
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        yield path.relative_to(base).as_posix(), path.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a deterministic synthetic Agora hub (articles, events, members, "
                    "forum snapshot) plus the same articles for a bare-Pelican baseline.")
    parser.add_argument("--articles", "-n", type=int, default=2000,
                        help="number of articles N (events N/10, members N/7, forum topics N/2); "
                             "default 2000")
    parser.add_argument("--out", "-o", type=Path, required=True,
                        help="folder to write agora/ and bare/ into (their old content is "
                             "replaced)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed; the same seed gives identical files "
                             f"(default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    info = generate(args.out, args.articles, args.seed)
    print(f"{info.root}: {info.articles} articles, {info.events} events, {info.members} members, "
          f"{info.forum_topics} forum topics (seed {info.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
