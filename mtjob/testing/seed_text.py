"""The text the tiny models' tokenizers are trained on: a seed article in Arabic and English
news text, the characters they lack, and word-shuffled copies for more word contexts. Built
in, so builds are reproducible without any data file."""

from __future__ import annotations

import io
import random

# The seed article, one paragraph a line, so builds are reproducible without any data file.
AR_SEED = """\
أعلن وزير الخارجية الأميركي جون كيري أن العمل جار لاستئناف نظام وقف إطلاق النار في حلب، بينما قال مسؤول عسكري روسي كبير إن مشاورات نشيطة تجري لإقامة نظام تهدئة في حلب، مع احتمال تنفيذ ذلك غدًا الثلاثاء.
وقالت وزارة الخارجية الروسية إن وزيرها سيرغي لافروف ناقش مع نظيره الأميركي جون كيري هاتفيًا التسوية السياسية في سوريا.
وذكرت الوزارة أن الوزيرين قاما بدعوة أطراف النزاع في سوريا للالتزام بنظام وقف الأعمال العدائية.
وقالت الوزارة إن لافروف وكيري اتفقا على خطوات موسكو وواشنطن كأعضاء المجموعة الدولية لدعم سوريا، بما في ذلك الاستعداد للاجتماع المقبل.
كيري وميستورا
وكان كيري قال في ختام لقائه مع المبعوث الأممي إلى سوريا ستيفان دي ميستورا يوم الاثنين في جنيف إن هناك تفاهمًا مع موسكو حول كيفية التقدم في طريق حل مسائل وقف النار في سوريا.
وأضاف: إن الأمر يتطلب مزيدًا من العمل، قائلاً: " ننتظر في القريب العاجل رؤية تقدم في مباحثات تعزيز نظام وقف إطلاق النار في سوريا".
وأشار كيري إلى أن المعارضة السورية يجب أن تكون أكثر مسؤولية وتساهم في تثبيت وقف العمليات القتالية، منوهًا باتفاق بين واشنطن وموسكو على تشكيل لجنة جديدة في جنيف للرقابة على وقف إطلاق النار.
من جانبه، أفاد دي ميستورا بأنه يجري التخطيط لتقوية آليات الرقابة على نظام وقف النار، منوهًا بأنه لا يمكن تبرير ما يحدث في حلب، وإحياء نظام وقف العمليات العدائية أصبح ضرورة ملحة.
دي ميستورا يزور موسكو
ومن جهتها، أعلنت المتحدثة باسم وزارة الخارجية الروسية ماريا زاخاروفا أن التسوية السورية ستكون الموضوع الأساسي لمباحثات وزير الخارجية الروسي سيرغي لافروف غدًا الثلاثاء في موسكو مع المبعوث الأممي ستيفان دي ميستورا.
وسبق أن أفاد مندوب روسيا الدائم في الأمم المتحدة في جنيف ألكسي بورودافكين بأن لافروف ودي ميستورا ينويان بحث نتائج جولة أبريل من المفاوضات السورية في جنيف وآفاق العملية التفاوضية.
تهدئة
وعلى هذا الصعيد، نقلت وكالة (انترفاكس) الروسية للأنباء عن مسؤول عسكري روسي قوله يوم الاثنين إن المحادثات مستمرة بشأن ضم محافظة حلب السورية إلى "نظام التهدئة".
وذكرت الوكالة نقلاً عن الجنرال سيرغي كورالينكو قوله أيضًا في تصريحات من قاعدة احميمم الجوية الروسية في سوريا، إن روسيا والولايات المتحدة والقيادة السورية والمعارضة "المعتدلة" اتفقوا على تمديد "نظام التهدئة" في ضاحية الغوطة الشرقية في دمشق يومين آخرين حتى نهاية الثالث من أيار (مايو).
ولم يذكر المسؤول العسكري الروسي أية تفاصيل غير أنه أضاف أن "نظام التهدئة" حول العاصمة السورية دمشق قد مُدد إلى الساعة التاسعة مساء الاثنين بتوقيت غرينتش.
وتشير تصريحات كورالينكو إلى تحول في الموقف الروسي. وكانت موسكو قد قالت السبت إنها لن تجبر الجيش السوري على وقف حملته، التي تهدد بالانهيار الكامل لجهود السلام.
"""

EN_SEED = """\
US Secretary of State John Kerry said work was under way to restore the ceasefire in Aleppo.
A senior Russian military official said active talks were being held on a truce in the city.
The truce could come into force as early as Tuesday, the official told reporters.
Russian Foreign Minister Sergei Lavrov discussed the political settlement in Syria with Kerry by phone.
Both ministers called on the warring parties to respect the cessation of hostilities.
Moscow and Washington agreed on the next steps of the International Syria Support Group.
Kerry met the UN envoy Staffan de Mistura in Geneva on Monday.
He said there was an understanding with Moscow on how to move forward.
"We expect to see progress very soon," Kerry told a news conference.
The opposition must act more responsibly and help to consolidate the ceasefire, he added.
A new committee in Geneva will monitor violations of the truce around the clock.
De Mistura said nothing could justify what was happening in Aleppo.
Reviving the cessation of hostilities has become an urgent necessity, he said.
Foreign Ministry spokeswoman Maria Zakharova said the talks would focus on the Syrian settlement.
The envoy will visit Moscow on Tuesday for talks with the Russian foreign minister.
The April round of negotiations ended in Geneva without a breakthrough.
The Interfax news agency quoted a Russian general at the Hmeimim air base.
The regime of calm in eastern Ghouta near Damascus was extended by two days.
The truce around the capital was extended until 9 p.m. GMT on Monday.
On Saturday Moscow said it would not force the Syrian army to halt its campaign.
More than 250 people have been killed in Aleppo in the past two weeks, monitors said.
Hospitals, markets and schools were hit by air strikes and shelling.
The United Nations warned of a humanitarian catastrophe in the divided city.
Aid convoys have not reached the besieged districts since early April.
Prices of bread and fuel rose sharply as roads into the city were cut.
The government denied that its aircraft had targeted civilian areas.
Rebel groups accused the army of preparing a major ground offensive.
Diplomats said the next round of talks could begin in mid-May.
Oil prices fell 2.5% on Monday after the report was published.
The company's profits rose to $1.2 billion in the first quarter of 2016.
"""

# Characters the seed texts lack, so they tokenize to real pieces rather than <unk>.
LATIN_CHARS = "0 1 2 3 4 5 6 7 8 9 . , ; : ! ? ( ) [ ] \" ' - / % $ & + = @ # * _ " + " ".join(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
ARABIC_CHARS = ("ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي ء آ أ ؤ إ ئ ى ة ـ"
                 " ً ٌ ٍ َ ُ ِ ّ ْ ٠ ١ ٢ ٣ ٤ ٥ ٦ ٧ ٨ ٩ ، ؛ ؟ « » …")


def augment(text: str, copies: int, seed: int, chars: str = LATIN_CHARS) -> list[str]:
    """Lines of ``text`` plus word-shuffled copies: more word contexts, so the unigram
    trainer keeps whole words instead of stopping at a few hundred fragments."""
    lines = [ln.strip(" &") for ln in text.splitlines() if ln.strip(" &")]
    rng = random.Random(seed)
    out = list(lines)
    for _ in range(copies):
        for line in lines:
            words = line.split()
            rng.shuffle(words)
            out.append(" ".join(words))
    return out + [chars] * 3


def train_spm(lines: list[str], vocab_size: int, seed: int) -> bytes:
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    buf = io.BytesIO()
    # Marian's own spm layout (</s>=0, <unk>=1, no <s>); hard_vocab_limit=False because
    # little text cannot fill a large vocabulary.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buf, model_type="unigram",
        vocab_size=vocab_size, hard_vocab_limit=False, character_coverage=1.0,
        eos_id=0, unk_id=1, bos_id=-1, pad_id=-1, num_threads=1, minloglevel=2,
    )
    return buf.getvalue()


def spm_pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))]
