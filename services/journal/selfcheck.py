"""PHQ-9 and GAD-7 with their published wording, scoring and severity bands.

Both questionnaires were developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt
Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission is
required to reproduce, translate, display or distribute them. A score is a screening,
not a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.i18n import N_, _, current_language
from services.journal.journal import Journal
from services.journal.model import JournalError

ATTRIBUTION = N_(
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, translate, "
    "display or distribute."
)
# A questionnaire's own wording (stem, items, answers) is shown in the language being served
# only where Kindred bundles the publisher's own translation (PUBLISHED, below, each with where it
# was read and when); otherwise in English, and views say so (ENGLISH_ONLY_NOTE). Kindred never
# makes up its own translation of a validated instrument. Bands stay the questionnaire's English
# terms; scores are the same in every language.
ENGLISH_ONLY_NOTE = N_(
    "The {name} questions are shown in English: Kindred does not include the official published "
    "translation in this language yet, and does not translate a validated questionnaire itself."
)
# Where the translated wording came from, shown under the publisher's own attribution line.
PUBLISHED_SOURCE_NOTE = N_("{name} in this language: the published translation ({edition}), as printed on the "
                           "developers' form (phqscreeners.com); wording last checked {date}.")
NOT_A_DIAGNOSIS = N_(
    "This is a screening, not a diagnosis. Only a doctor or mental-health professional can "
    "diagnose; if your score worries you, or you'd like support, consider sharing it with one."
)

ANSWERS = ("Not at all", "Several days", "More than half the days", "Nearly every day")
DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to do your "
    "work, take care of things at home, or get along with other people?"
)
DIFFICULTY_ANSWERS = ("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult")


@dataclass(frozen=True)
class Questionnaire:
    id: str
    name: str
    title: str
    stem: str
    items: tuple[str, ...]
    bands: tuple[tuple[int, int, str], ...]  # (low, high, label), inclusive

    @property
    def max_score(self) -> int:
        return 3 * len(self.items)


PHQ9 = Questionnaire(
    id="phq9",
    name="PHQ-9",
    title="Patient Health Questionnaire (PHQ-9)",
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
        "fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    bands=((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 19, "moderately severe"), (20, 27, "severe")),
)

GAD7 = Questionnaire(
    id="gad7",
    name="GAD-7",
    title="Generalized Anxiety Disorder 7-item scale (GAD-7)",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    bands=((0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")),
)

QUESTIONNAIRES = {PHQ9.id: PHQ9, GAD7.id: GAD7}


@dataclass(frozen=True)
class Wording:
    """What a person reads of one questionnaire in one language: the publisher's own words."""
    language: str
    title: str
    stem: str
    items: tuple[str, ...]
    answers: tuple[str, ...]
    difficulty_question: str
    difficulty_answers: tuple[str, ...]
    attribution: str  # the form's own footer, as printed
    edition: str = ""  # which published translation ("Spanish for the USA")
    source: str = ""  # where this copy of the published form was read
    checked: str = ""  # ISO date the wording was last compared with it


# The publisher's own translations (Pfizer Inc.; free to reproduce, translate, display or
# distribute). Copied word for word, typography aside (the form prints the title in capitals).
# Found and checked so far: the PHQ-9 in Spanish and in French. Not found complete in a source
# that can be cited yet: the GAD-7 in Spanish (its title, difficulty question and footer) and in
# French (copies disagree on item 5); they stay in English, with the note.
PUBLISHED: dict[tuple[str, str], Wording] = {
    ("phq9", "es"): Wording(
        language="es",
        title="Cuestionario sobre la salud del paciente-9 (PHQ-9)",
        stem="Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?",
        items=(
            "Poco interés o placer en hacer cosas",
            "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
            "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado",
            "Se ha sentido cansado(a) o con poca energía",
            "Sin apetito o ha comido en exceso",
            "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con usted mismo(a) o "
            "con su familia",
            "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el periódico o ver la "
            "televisión",
            "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo contrario – muy "
            "inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo normal",
            "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
        ),
        answers=("Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"),
        difficulty_question=(
            "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos problemas para hacer su "
            "trabajo, encargarse de las tareas del hogar, o llevarse bien con otras personas?"
        ),
        difficulty_answers=("No ha sido difícil", "Un poco difícil", "Muy difícil", "Extremadamente difícil"),
        attribution=(
            "Elaborado por los doctores Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke y colegas, mediante una "
            "subvención educativa otorgada por Pfizer Inc. No se requiere permiso para reproducir, traducir, presentar "
            "o distribuir."
        ),
        edition="PHQ-9, Spanish for the USA; © Pfizer Inc.",
        source="https://es.studenta.com/content/129686767/patient-health-questionnaire-9-spanish "
               "(a copy of the form PatientHealthQuestionnaire9_Spanish from phqscreeners.com)",
        checked="2026-12-03",
    ),
    # The form prints the typographic apostrophe (’); kept. The space before "?" is a no-break
    # one, as French typography has it (else a "?" wraps onto a line of its own). Its "(Veuillez
    # cocher (✔) votre réponse)" is for paper, where one ticks; here one taps: left out.
    ("phq9", "fr"): Wording(
        language="fr",
        title="Questionnaire sur la Santé du Patient – 9 (PHQ-9)",
        stem="Au cours des 2 dernières semaines, selon quelle fréquence avez-vous été gêné(e) par les problèmes "
             "suivants\u00a0?",
        items=(
            "Peu d’intérêt ou de plaisir à faire les choses",
            "Être triste, déprimé(e) ou désespéré(e)",
            "Difficultés à s’endormir ou à rester endormi(e), ou dormir trop",
            "Se sentir fatigué(e) ou manquer d’énergie",
            "Avoir peu d’appétit ou manger trop",
            "Avoir une mauvaise opinion de soi-même, ou avoir le sentiment d’être nul(le), ou d’avoir déçu sa "
            "famille ou s’être déçu(e) soi-même",
            "Avoir du mal à se concentrer, par exemple, pour lire le journal ou regarder la télévision",
            "Bouger ou parler si lentement que les autres auraient pu le remarquer. Ou au contraire, être si "
            "agité(e) que vous avez eu du mal à tenir en place par rapport à d’habitude",
            "Penser qu’il vaudrait mieux mourir ou envisager de vous faire du mal d’une manière ou d’une autre",
        ),
        answers=("Jamais", "Plusieurs jours", "Plus de la moitié du temps", "Presque tous les jours"),
        difficulty_question=(
            "Si vous avez coché au moins un des problèmes évoqués, à quel point ce(s) problème(s) a-t-il "
            "(ont-ils) rendu votre travail, vos tâches à la maison ou votre capacité à vous entendre avec les "
            "autres difficile(s)\u00a0?"
        ),
        difficulty_answers=("Pas du tout difficile(s)", "Assez difficile(s)", "Très difficile(s)",
                            "Extrêmement difficile(s)"),
        attribution=(
            "Développé par les Dr Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke et leurs collègues grâce à "
            "une allocation d’études de Pfizer Inc. La reproduction, la traduction, l’affichage ou la distribution "
            "de ce document sont autorisés."
        ),
        edition="PHQ-9, French for France; © Pfizer Inc.",
        source="https://www.phqscreeners.com/images/sites/g/files/g10060481/f/201412/PHQ9_French%20for%20France.pdf "
               "(read in three transcriptions that agree word for word: KaerOrg/Kaer docs/instruments/phq9.md, "
               "which cites that file; one cites the same form at prevention-depression.lu; one taken from the "
               "PDF's text layer)",
        checked="2026-12-04",
    ),
}


def wording(questionnaire_id: str, language: str | None = None) -> Wording:
    """The questionnaire's words in ``language`` (else the language being served) when its
    publisher's translation is bundled, else its English wording (``.language == "en"``)."""
    published = PUBLISHED.get((questionnaire_id, language or current_language()))
    if published is not None:
        return published
    questionnaire = QUESTIONNAIRES[questionnaire_id]
    return Wording("en", questionnaire.title, questionnaire.stem, questionnaire.items, ANSWERS, DIFFICULTY_QUESTION,
                   DIFFICULTY_ANSWERS, ATTRIBUTION)
PHQ9_SELF_HARM_ITEM = 8  # zero-based index of item 9


@dataclass(frozen=True)
class SelfCheckResult:
    id: str | None
    questionnaire: str
    at: datetime | None
    answers: tuple[int, ...]
    difficulty: int | None
    score: int
    band: str
    max_score: int

    @property
    def needs_crisis_lines(self) -> bool:
        """Any answer above zero on PHQ-9 item 9: show the crisis lines at once."""
        return self.questionnaire == PHQ9.id and self.answers[PHQ9_SELF_HARM_ITEM] > 0

    @property
    def caption(self) -> str:
        name = QUESTIONNAIRES[self.questionnaire].name
        return _("{name} score {score} of {max}: in the range the questionnaire calls \"{band}\".").format(
            name=name, score=self.score, max=self.max_score, band=self.band)


def band_for(questionnaire: Questionnaire, score: int) -> str:
    for low, high, label in questionnaire.bands:
        if low <= score <= high:
            return label
    raise JournalError("score out of range")


def score(questionnaire_id: str, answers, difficulty: int | None = None) -> SelfCheckResult:
    questionnaire = QUESTIONNAIRES.get(questionnaire_id)
    if questionnaire is None:
        raise JournalError(f"Unknown self-check {questionnaire_id!r}.")
    answers = tuple(answers)
    if len(answers) != len(questionnaire.items) or any(a is None for a in answers):
        raise JournalError(N_("Answer every question to see a score."))
    if any(isinstance(a, bool) or a not in (0, 1, 2, 3) for a in answers):
        raise JournalError(N_("Each answer is from 0 (not at all) to 3 (nearly every day)."))
    if difficulty is not None and difficulty not in (0, 1, 2, 3):
        raise JournalError(N_("Difficulty is from 0 to 3."))
    total = sum(answers)
    return SelfCheckResult(None, questionnaire.id, None, answers, difficulty, total, band_for(questionnaire, total), questionnaire.max_score)


def save(journal: Journal, result: SelfCheckResult, at: datetime | None = None) -> SelfCheckResult:
    payload = {"questionnaire": result.questionnaire, "answers": list(result.answers), "difficulty": result.difficulty}
    record_id = journal.save_self_check(payload, at=at)
    return history(journal, result.questionnaire)[-1] if record_id else result


def history(journal: Journal, questionnaire_id: str | None = None) -> list[SelfCheckResult]:
    """Saved results, oldest first."""
    results = []
    for record_id, payload in journal.self_check_records():
        if questionnaire_id and payload.get("questionnaire") != questionnaire_id:
            continue
        scored = score(payload["questionnaire"], payload["answers"], payload.get("difficulty"))
        results.append(
            SelfCheckResult(record_id, scored.questionnaire, datetime.fromisoformat(payload["at"]), scored.answers,
                            scored.difficulty, scored.score, scored.band, scored.max_score)
        )
    return results
