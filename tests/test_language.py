from pathlib import Path

from explorer.language import MIN_SHARE, english_share, language_warnings, looks_english
from explorer.records import Article
from tests.conftest import write_articles

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

FRENCH = (
    "La Banque centrale européenne a laissé ses taux directeurs inchangés jeudi, malgré une inflation "
    "toujours élevée dans la zone euro. Sa présidente a indiqué que le conseil des gouverneurs restait "
    "attentif aux risques pesant sur la croissance, en particulier aux prix de l'énergie et aux tensions "
    "commerciales. Les marchés attendaient cette décision, et l'euro a peu réagi après l'annonce."
)
CHINESE = (
    "欧洲中央银行周四宣布维持主要利率不变，尽管欧元区通胀仍然较高。行长表示，理事会将继续关注经济增长面临的风险，"
    "特别是能源价格和贸易紧张局势。市场普遍预期这一决定，欧元在公告后反应平淡。"
)
ARABIC = (
    "قررت منظمة الدول المصدرة للنفط عقد اجتماع طارئ الأسبوع المقبل لبحث تراجع الأسعار في الأسواق العالمية "
    "وقال مسؤولون إن الدول الأعضاء تدرس خفض الإنتاج لدعم الأسعار التي هبطت إلى أدنى مستوى لها منذ عامين "
    "ويتوقع المحللون أن يكون القرار صعبا بسبب الخلافات بين كبار المنتجين حول الحصص والالتزام بها في الماضي"
)


def test_english_news_is_english_and_other_languages_are_not():
    for path in sorted(CORPUS.glob("*.txt")):
        share, words = english_share(path.read_text(encoding="utf-8"))
        assert share > 3 * MIN_SHARE and words > 400, path.name
    for text in (FRENCH, CHINESE, ARABIC):
        assert not looks_english(text), text[:20]
    # A headline or a short list says too little to judge.
    assert looks_english("Lesotho v Malawi")


def test_a_build_names_the_articles_that_are_not_english(fake_explorer, tmp_path):
    folder = write_articles(
        tmp_path / "corpus",
        {
            "bees.txt": "Bees\n\n"
            + "Honey bees collect nectar from the flowers of the field and turn it into honey. " * 4,
            "bce.txt": "Taux\n\n" + FRENCH,
            "opec.txt": "نفط\n\n" + ARABIC,
        },
    )
    report = fake_explorer().build(folder)
    [warning] = [w for w in report.warnings if "not English" in w]
    assert "bce" in warning and "opec" in warning and "bees" not in warning
    assert len(report.warnings) == 1


def test_many_foreign_articles_make_one_warning():
    articles = [Article(f"a{i}", f"T{i}", FRENCH, f"a{i}.txt") for i in range(5)]
    [warning] = language_warnings(articles)
    assert "a0" in warning and "a2" in warning and "a3" not in warning and "and 2 more" in warning
