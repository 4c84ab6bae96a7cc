"""`agora new`: every content type starts as a file that passes `agora check` and builds."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
import yaml

from agora.cli import main
from agora.content import fields as f
from agora.content.schema import content_model
from agora.content.types import ARTICLE
from agora.editors.scaffold import Draft, render
from tests.conftest import DEMO_NOW, build
from tests.editors.conftest import agora, copy_hub

# (type, title, options, file written, page it builds or None). In this order: the second
# Tuesday tip takes the slot after the first one's.
NEW = [
    ("article", "Astuce du mardi : l'hiver au jardin", ["--series", "astuces-du-mardi"],
     "content/articles/astuce-du-mardi-l-hiver-au-jardin.md",
     "drafts/astuce-du-mardi-l-hiver-au-jardin/"),  # scheduled: previewed, not yet public
    ("article", "Astuce du mardi : les semis d'hiver", ["--series", "astuces-du-mardi"],
     "content/articles/astuce-du-mardi-les-semis-d-hiver.md",
     "drafts/astuce-du-mardi-les-semis-d-hiver/"),
    ("article", "Portrait du mois : Théo", ["--series", "portrait-du-mois"],
     "content/articles/portrait-du-mois-theo.md", "drafts/portrait-du-mois-theo/"),
    ("article", "Bilan de novembre", ["--date", "2026-11-19T09:00"],
     "content/articles/bilan-de-novembre.md", "blog/bilan-de-novembre/"),
    ("event", "Troc de graines de printemps", ["--start", "2027-03-20T14:00"],
     "content/events/troc-de-graines-de-printemps.md", "events/troc-de-graines-de-printemps/"),
    ("event", "Café du jeudi", [], "content/events/cafe-du-jeudi.md", "events/cafe-du-jeudi/"),
    ("member", "Jeanne Dupont", [], "content/members/jeanne-dupont.md", None),  # no consent yet
    ("page", "Nos partenaires", [], "content/pages/nos-partenaires.md", "nos-partenaires/"),
    ("charter", "Charte des événements", [], "content/pages/charter/charte-des-evenements.md",
     "charte-des-evenements/"),
    ("newsletter", "La lettre de décembre", [], "content/newsletter/2026-12-03.md", None),
    ("newsletter", "La lettre de janvier", [], "content/newsletter/2027-01-07.md", None),
    # translations, and a file in another language than the site's
    ("article", "Seed swaps, explained", ["--lang", "en", "--translation-of", "astuce-semences"],
     "content/articles/astuce-semences-en.md", "en/blog/astuce-semences/"),
    ("event", "Compost workshop", ["--lang", "en", "--translation-of", "atelier-compost"],
     "content/events/atelier-compost-en.md", "en/events/atelier-compost/"),
    ("member", "Camille Roux", ["--lang", "en", "--translation-of", "camille-roux"],
     "content/members/camille-roux-en.md", "en/members/camille-roux/"),
    ("page", "Our partners", ["--lang", "en", "--translation-of", "nos-partenaires"],
     "content/pages/nos-partenaires-en.md", "en/nos-partenaires/"),
    ("article", "A note in English", ["--lang", "en", "--date", "2026-11-18T09:00"],
     "content/articles/a-note-in-english.md", "en/blog/a-note-in-english/"),
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[int, str]]]:
    """The hub after each `agora new` of NEW, run in this process (it builds nothing, and
    eleven interpreters would cost more than the rest of the module): (exit, output)."""
    root = copy_hub(tmp_path_factory.mktemp("new-hub"))
    results = []
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("AGORA_NOW", DEMO_NOW)
        for kind, title, options, _, _ in NEW:
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                status = main(["new", kind, title, *options])
            results.append((status, output.getvalue()))
    return root, results


@pytest.fixture(scope="module")
def built(hub):
    root, _ = hub
    return build(root)


def test_each_type_writes_its_file_and_prints_its_path(hub):
    root, results = hub
    for (kind, _, _, path, _), (status, output) in zip(NEW, results, strict=True):
        assert status == 0, kind
        assert output.strip() == path
        assert (root / path).is_file()


def test_what_it_writes_passes_agora_check_even_strict(hub):
    root, _ = hub
    result = agora("check", "--strict", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr
    new_files = [path for _, _, _, path, _ in NEW]
    mentioned = [line for line in result.stdout.splitlines() if line in new_files]
    # the only word about a new file: the profile waits for the member's consent
    assert mentioned == ["content/members/jeanne-dupont.md"]
    assert "consent: not published" in result.stdout


def test_what_it_writes_builds_as_it_is(built):
    assert built.state.errors == []
    assert built.state.warnings == []
    for _, _, _, _, page in NEW:
        if page:
            assert built.path(page).is_file(), page
    assert not built.path("members/jeanne-dupont/").exists()
    assert "Jeanne Dupont" not in built.all_text()


def header(path: Path) -> tuple[dict, list[str], str]:
    """(fields written out, fields commented, the whole header) of a written file."""
    text = path.read_text(encoding="utf-8")
    head = text.split("---\n")[1]
    return (yaml.safe_load(head), re.findall(r"^# ([a-z_]+):", head, re.MULTILINE), head)


def test_every_field_of_the_type_is_there_optional_ones_commented_with_a_hint(hub, built):
    root, _ = hub
    model = content_model(built.settings)
    for kind, _, _, path, _ in NEW:
        schema = model.types[kind].schema
        written, commented, head = header(root / path)
        listed = {name for name, spec in schema.fields.items() if spec.listed}
        assert set(written) | set(commented) == listed, kind
        assert not set(written) & set(commented), kind
        for name in commented:
            line = next(x for x in head.splitlines() if x.startswith(f"# {name}:"))
            assert re.match(rf"^# {name}: +# \S", line), line  # a one-line hint
        required = {n for n, spec in schema.fields.items() if spec.required}
        assert required <= set(written), kind


def test_dates_slugs_and_series_are_prefilled(hub):
    root, _ = hub
    tips = [header(root / path)[0] for _, _, _, path, _ in NEW[:3]]
    # 24 November is taken (astuce-planifier-saison); the tips keep the series' 08:00
    assert [t["date"] for t in tips[:2]] == ["2026-12-01T08:00", "2026-12-08T08:00"]
    assert tips[0]["series"] == "astuces-du-mardi"
    assert tips[2]["date"] == "2026-12-15T09:00"  # monthly, on the 15th like its portraits
    assert header(root / NEW[3][3])[0]["date"] == "2026-11-19T09:00"
    assert header(root / NEW[5][3])[0]["start"] == "2026-11-27T18:00"  # a week from today
    charter = header(root / NEW[8][3])[0]
    assert (charter["version"], str(charter["effective"])) == ("1.0", "2026-11-20")
    assert header(root / NEW[9][3])[0] == {"subject": "La lettre de décembre"}


def test_a_member_profile_starts_without_consent_and_says_why(hub):
    root, _ = hub
    written, _, head = header(root / "content/members/jeanne-dupont.md")
    assert written == {"name": "Jeanne Dupont", "consent": False}
    assert "Consent first" in head and "agreed in writing" in head


def test_it_never_overwrites(tmp_path):
    root = copy_hub(tmp_path, content=False)
    (root / "content").mkdir()
    assert agora("new", "page", "Nos partenaires", cwd=root).returncode == 0
    page = root / "content/pages/nos-partenaires.md"
    page.write_text(page.read_text(encoding="utf-8") + "Déjà écrit.\n", encoding="utf-8")
    before = page.read_bytes()
    result = agora("new", "page", "Nos partenaires", cwd=root)
    assert result.returncode == 1
    assert "content/pages/nos-partenaires.md already exists" in result.stderr
    assert page.read_bytes() == before
    # the same slug under another extension counts too
    (root / "content/pages/autre.rst").write_text("Autre\n#####\n", encoding="utf-8")
    assert agora("new", "page", "Autre", cwd=root).returncode == 1
    assert not (root / "content/pages/autre.md").exists()


def test_mistakes_are_explained(hub):
    root, _ = hub
    unknown = agora("new", "article", "X", "--series", "inconnue", cwd=root)
    assert unknown.returncode == 2
    assert "expected a series of content/series.yml (astuces-du-mardi, portrait-du-mois)" \
        in unknown.stderr
    assert "--start: expected a date" in agora("new", "event", "X", "--start", "demain",
                                               cwd=root).stderr
    assert "expected an article or event" in agora("new", "page", "X", "--series",
                                                   "astuces-du-mardi", cwd=root).stderr


def test_a_translation_takes_what_does_not_change_from_its_original(hub, built):
    root, _ = hub
    original, _, _ = header(root / "content/articles/astuce-semences.md")
    written, _, head = header(root / "content/articles/astuce-semences-en.md")
    assert (written["title"], written["slug"], written["lang"]) == (
        "Seed swaps, explained", "astuce-semences", "en")
    for name in ("date", "author", "category", "series"):
        assert str(written[name]) == str(original[name]), name
    assert "summary" not in written and "tags" not in written  # words of the original's
    assert "A translation of articles/astuce-semences.md" in head
    text = (root / "content/articles/astuce-semences-en.md").read_text(encoding="utf-8")
    assert text.endswith("---\nWrite here, in Markdown.\n")  # in the translation's language
    event, _, _ = header(root / "content/events/atelier-compost-en.md")
    source, _, _ = header(root / "content/events/atelier-compost.md")
    assert (str(event["start"]), event["location"], event["hosts"]) == (
        str(source["start"]), source["location"], source["hosts"])
    french = built.html("events/atelier-compost/")
    assert french.cssselect('link[hreflang="en"]')[0].get("href").endswith(
        "en/events/atelier-compost/")
    assert "Compost workshop" in built.text("en/events/atelier-compost/")


def test_translation_mistakes_are_explained(hub):
    root, _ = hub
    cases = {
        ("article", "X", "--translation-of", "astuce-paillage"):
            "--translation-of: expected --lang too",
        ("article", "X", "--lang", "en", "--translation-of", "inconnu"):
            "expected the slug of a article of this hub (its `slug:`, else its file name), "
            "found 'inconnu'",
        ("article", "X", "--lang", "fr", "--translation-of", "astuce-paillage"):
            "--lang: expected another language than the original's "
            "(articles/astuce-paillage.md is in fr), found fr",
        ("newsletter", "X", "--lang", "en", "--translation-of", "2026-11-05"):
            "found a newsletter intro",
        ("article", "X", "--lang", "english please"): "--lang: expected",
    }
    for args, message in cases.items():
        result = agora("new", *args, cwd=root)
        assert result.returncode == 2, args
        assert message in result.stderr, (args, result.stderr)
    again = agora("new", "article", "Y", "--lang", "en", "--translation-of", "astuce-semences",
                  cwd=root)
    assert again.returncode == 1 and "astuce-semences-en.md already exists" in again.stderr


def test_a_field_a_capability_adds_shows_up_by_itself():
    schema = ARTICLE.extended({
        "mood": f.choice(("calm", "busy"), help="How the post feels"),
        "rsvp_url": f.url(),
    })
    text = render(schema, Draft(Path("content/articles"), "x", {"title": "X"}), "Body.")
    assert re.search(r"^# mood: +# How the post feels: one of calm, busy$", text, re.MULTILINE)
    # no help: what the field's conversion expects says it
    assert re.search(r"^# rsvp_url: +# an absolute http\(s\) URL like https://example.org/page$",
                     text, re.MULTILINE)
    assert text.endswith("---\nBody.\n")


@pytest.mark.parametrize("command", [["new"], ["calendar"]])
def test_help(command, tmp_path):
    result = agora(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "usage: agora" in result.stdout
