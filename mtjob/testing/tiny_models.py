"""Small but real Hugging Face model folders for offline tests, demos and benchmarks.

The folders use the file layout of the hub models (``Helsinki-NLP/opus-mt-ar-en`` and
``sshleifer/distilbart-cnn-12-6``), so the real loading code runs on them:
``AutoTokenizer.from_pretrained``, ``AutoModelForSeq2SeqLM.from_pretrained`` and the
CTranslate2 converter. Tokenizers are trained on a little text. Weights are seeded random
ones, rewired (``_wire_monotonic``) so that outputs are deterministic and input-dependent:
the MarianMT model emits one English word piece per Arabic source piece and then </s>
(nonsense English exactly as long as the source), the BART model copies the lead of its
input up to ``max_length``. Builds are byte-for-byte reproducible for a given seed.
"""

from __future__ import annotations

import io
import json
import logging
import random
from pathlib import Path

logger = logging.getLogger(__name__)

# The seed article, one paragraph a line, so builds are reproducible without any data file.
_AR_SEED = """\
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
_LATIN_CHARS = "0 1 2 3 4 5 6 7 8 9 . , ; : ! ? ( ) [ ] \" ' - / % $ & + = @ # * _ " + " ".join(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ARABIC_CHARS = ("ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي ء آ أ ؤ إ ئ ى ة ـ"
                 " ً ٌ ٍ َ ُ ِ ّ ْ ٠ ١ ٢ ٣ ٤ ٥ ٦ ٧ ٨ ٩ ، ؛ ؟ « » …")

_MARIAN_FULL_VOCAB = 62834  # Helsinki-NLP/opus-mt-ar-en
_BART_FULL_VOCAB = 50264  # sshleifer/distilbart-cnn-12-6 (its <mask> id, 50264, lies outside)
#: Helsinki-NLP/opus-mt-tc-big-ar-en (transformer-big): its config.json's sizes and ids
#: (d_model 1024, 6+6 layers, 16 heads, FFN 4096, relu, 1024 positions; the generation
#: settings sit in config.json, the folder has no generation_config.json) and its
#: tokenizer_config.json, as the hub has them (one joint vocab.json, not separate_vocabs).
TC_BIG = {"vocab_size": 61109, "eos_token_id": 25894}
TC_BIG_TOKENIZER = {
    "source_lang": "ar", "target_lang": "en", "unk_token": "<unk>", "eos_token": "</s>",
    "pad_token": "<pad>", "model_max_length": 512, "sp_model_kwargs": {},
    "separate_vocabs": False, "special_tokens_map_file": None,
    "name_or_path": "marian-models/opusTCv20210807+bt_transformer-big_2022-03-09/ar-en",
    "tokenizer_class": "MarianTokenizer"}


def _augment(text: str, copies: int, seed: int, chars: str = _LATIN_CHARS) -> list[str]:
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


def _train_spm(lines: list[str], vocab_size: int, seed: int) -> bytes:
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


def _spm_pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))]


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _sinusoids(n_pos: int, dim: int):
    """Marian's position table: sines in the first half, cosines in the second."""
    import torch

    freq = 10000.0 ** (-2 * torch.arange(dim // 2, dtype=torch.float64) / dim)
    ang = torch.arange(n_pos, dtype=torch.float64)[:, None] * freq
    return torch.cat([ang.sin(), ang.cos()], 1).float()


def _wire_monotonic(model, *, seed: int, rotate: bool, keep: dict[int, float] | None = None,
                    eos_id: int | None = None, ratio: float = 20.0, gain: float = 20.0,
                    sharp: float = 12.0, noise: float = 0.05, tok_gain: float = 0.04,
                    top_logit: float = 10.0) -> None:
    """Rewire a randomly initialised post-norm encoder-decoder into a monotonic
    "dictionary" model, in place.

    Purely random weights make greedy outputs stop at once or repeat one token whatever
    the input. Here decoder step ``t`` reads source token ``t`` (cross-attention keys and
    queries see only the fastest position sinusoids, so the score peaks where positions
    match), maps its embedding by a fixed rotation (``rotate``) or identity (a copy) and
    emits the nearest token. The source ``</s>`` maps onto itself, so outputs vary with
    the input, are about as long as it and end on their own. Other sublayers keep their
    random weights, scaled down, so the model computes like a real one of its size.
    ``keep`` maps the only ids worth emitting to a logit bias in units of the largest
    logit, ``top_logit`` (other ids are ruled out); ``eos_id`` gets a direction of its
    own, which the rotation keeps, so that only the source ``</s>`` ends a translation.
    """
    import torch

    cfg, core = model.config, model.model
    d, heads = cfg.d_model, cfg.decoder_attention_heads
    dh, n = d // heads, d // heads // 2
    gen = torch.Generator().manual_seed(seed)
    pos_dims = list(range(n)) + list(range(d // 2, d // 2 + n))  # fastest sinusoid pairs
    # The slowest sines, ~0 at every position, are left empty: they read LayerNorm's mean
    # shift, which the attention projections subtract (averaged over 4: less int8 noise).
    ref_dims = list(range(d // 2 - 4, d // 2))
    tok_dims = [i for i in range(d) if i not in pos_dims and i not in ref_dims]
    scale = d**0.5 if cfg.scale_embedding else 1.0
    # Token vectors far outweigh the position vector (norm sqrt(d/2)): LayerNorm's scale
    # then barely depends on which token sits where, and neither do the key norms, which
    # would otherwise pull attention to a neighbour.
    norm = ratio * (d / 2) ** 0.5
    ln_gain = (d / (norm**2 + d / 2)) ** 0.5  # what LayerNorm scales the sum by
    with torch.no_grad():
        # Sign vectors: all coordinates the same size, so no spike sets the range that int8
        # activations (torch dynamic quantization, CTranslate2) must cover.
        # Linear algebra in float64, rounded to float32 once: LAPACK/BLAS kernels differ in
        # the last bits between CPUs (MKL on AMD and Intel), and the folder's revision is a
        # hash of its bytes, so float32 QR made the recorded revisions machine-dependent.
        rows = (torch.randint(0, 2, (cfg.vocab_size, len(tok_dims)), generator=gen) * 2.0 - 1
                ).double()
        special = [torch.ones(len(tok_dims), dtype=torch.float64)]  # zero mean: LayerNorm
        # must not shift positions
        if eos_id is not None:
            eos_dir = rows[eos_id] - rows[eos_id].mean()
            special.append(eos_dir)
        basis = torch.linalg.qr(torch.stack(special, 1))[0]
        rows -= rows @ basis @ basis.T
        if eos_id is not None:
            rows[eos_id] = eos_dir
        # <pad> keeps a token-sized row too: padded encoder positions then get the usual
        # LayerNorm scale instead of widening the int8 range of the whole batch.
        emb = torch.zeros_like(core.shared.weight)
        emb[:, tok_dims] = (rows * (norm / scale) / rows.norm(dim=1, keepdim=True)).float()
        core.shared.weight.copy_(emb)
        if hasattr(core.encoder.embed_positions, "offset"):  # BART: learned, offset by 2
            for side in (core.encoder, core.decoder):
                side.embed_positions.weight[2:] = _sinusoids(cfg.max_position_embeddings, d)

        for layer in list(core.encoder.layers) + list(core.decoder.layers):
            outs = [layer.self_attn.out_proj, layer.fc2]
            outs += [layer.encoder_attn.out_proj] if hasattr(layer, "encoder_attn") else []
            for lin in outs:  # sublayer output grows ~ d * init_std**2: keep it ~d-free
                lin.weight *= noise * 64 / d
                lin.bias.zero_()

        att = core.decoder.layers[0].encoder_attn
        freq = 10000.0 ** (-2 * torch.arange(n, dtype=torch.float64) / d)
        margin = float((1 - freq.cos()).sum())  # score gap between offsets 0 and 1
        qk = (sharp * dh**0.5 / (ln_gain**2 * margin)) ** 0.5
        for lin in (att.q_proj, att.k_proj):
            lin.weight.zero_()
            lin.bias.zero_()
            for h in range(heads):
                out = torch.arange(h * dh, h * dh + dh)
                lin.weight[out, pos_dims] = qk
                lin.weight[out[:, None], ref_dims] = -qk / len(ref_dims)
        rot = torch.eye(len(tok_dims), dtype=torch.float64)
        if rotate:  # random, except that the </s> direction (first column) stays put
            frame = torch.randn(len(tok_dims), len(tok_dims), generator=gen).double()
            frame[:, 0] = eos_dir
            frame = torch.linalg.qr(frame)[0]
            rot[1:, 1:] = torch.linalg.qr(torch.randn(len(tok_dims) - 1, len(tok_dims) - 1,
                                                      generator=gen).double())[0]
            rot = frame @ rot @ frame.T
        # Token dims leave the encoder and the decoder's first sublayer shrunk (LayerNorm
        # gain), so the position dims set the range of int8 activations feeding q and k;
        # v scales them back.
        core.encoder.layers[-1].final_layer_norm.weight[tok_dims] = tok_gain
        core.decoder.layers[0].self_attn_layer_norm.weight[tok_dims] = tok_gain
        att.v_proj.weight.zero_()
        att.v_proj.weight[tok_dims, tok_dims] = 1.0 / tok_gain
        att.v_proj.weight[torch.tensor(tok_dims)[:, None], ref_dims] = -1.0 / len(ref_dims)
        # Position content left in the token dims would add one input-independent direction
        # to every step; remove its average.
        table = _sinusoids(256, d).double()
        att.v_proj.bias.zero_()
        shift = table[:, tok_dims] - table[:, ref_dims].mean(1, keepdim=True)
        att.v_proj.bias[tok_dims] = (-ln_gain * shift.mean(0)).float()
        att.out_proj.weight.zero_()
        att.out_proj.weight[torch.tensor(tok_dims)[:, None], torch.tensor(tok_dims)] = \
            (gain * rot).float()
        att.out_proj.bias.zero_()
        # The last LayerNorm sets the logit scale (tied output embeddings are this large).
        core.decoder.layers[-1].final_layer_norm.weight.fill_(top_logit * scale / (d**0.5 * norm))
        if keep is not None:
            model.final_logits_bias.fill_(-3.0 * top_logit)
            model.final_logits_bias[0, list(keep)] = torch.tensor(list(keep.values())) * top_logit


def build_marian(out_dir: Path, *, full_size: bool = False, seed: int = 0,
                 corpus: str | None = None, big: bool = False) -> Path:
    """Write an ``opus-mt-ar-en``-shaped MarianMT folder to ``out_dir`` and return it.

    ``corpus`` is Arabic training text for ``source.spm`` (default: the built-in seed
    article). ``full_size`` gives the real architecture and vocabulary size (~77 M
    parameters, for benchmarks); otherwise a 64-dim 2+2-layer model builds in seconds.
    ``big``: the layout of ``Helsinki-NLP/opus-mt-tc-big-ar-en`` instead (:data:`TC_BIG`).
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src_lines = _augment(corpus or _AR_SEED, 40, seed, _ARABIC_CHARS + " " + _LATIN_CHARS)
    src_spm = _train_spm(src_lines, 8000, seed)
    tgt_spm = _train_spm(_augment(EN_SEED, 20, seed), 8000, seed)
    (out_dir / "source.spm").write_bytes(src_spm)
    (out_dir / "target.spm").write_bytes(tgt_spm)

    # One joint vocab.json as in the hub model: </s>=0, <unk>=1, pieces, <pad> last
    # (tc-big: </s> and <unk> amid the pieces, at the hub model's id when full size).
    pieces = [] if big else ["</s>", "<unk>"]
    pieces += dict.fromkeys(p for p in _spm_pieces(src_spm) + _spm_pieces(tgt_spm) if p not in pieces)
    vocab_size = TC_BIG["vocab_size"] if big else _MARIAN_FULL_VOCAB
    if full_size:
        pieces += [f"<dummy_{i}>" for i in range(vocab_size - 3 * big - 1 - len(pieces))]
    if big:
        at = TC_BIG["eos_token_id"] if full_size else len(pieces) // 2
        pieces[at:at] = ["</s>", "<unk>"]
    pieces.append("<pad>")
    pad, eos = len(pieces) - 1, pieces.index("</s>")
    _write_json(out_dir / "vocab.json", {p: i for i, p in enumerate(pieces)})
    _write_json(out_dir / "tokenizer_config.json", TC_BIG_TOKENIZER if big else {
        "source_lang": "ar", "target_lang": "en", "separate_vocabs": False,
        "model_max_length": 512})
    if big:
        (out_dir / "special_tokens_map.json").write_text(json.dumps(
            {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}), encoding="utf-8")

    dims = (dict(d_model=512, layers=6, heads=8, ffn=2048) if full_size
            else dict(d_model=64, layers=2, heads=4, ffn=128))
    if big and full_size:
        dims = dict(d_model=1024, layers=6, heads=16, ffn=4096)
    config = MarianConfig(
        vocab_size=len(pieces), d_model=dims["d_model"],
        encoder_layers=dims["layers"], decoder_layers=dims["layers"],
        encoder_attention_heads=dims["heads"], decoder_attention_heads=dims["heads"],
        encoder_ffn_dim=dims["ffn"], decoder_ffn_dim=dims["ffn"],
        activation_function="relu" if big else "swish",
        static_position_embeddings=True, share_encoder_decoder_embeddings=True,
        scale_embedding=True, max_position_embeddings=1024 if big else 512, pad_token_id=pad,
        decoder_start_token_id=pad, eos_token_id=eos, bos_token_id=0, forced_eos_token_id=eos,
        architectures=["MarianMTModel"])
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    gen = dict(bad_words_ids=[[pad]], bos_token_id=0, decoder_start_token_id=pad,
               eos_token_id=eos, forced_eos_token_id=eos, pad_token_id=pad)
    model.generation_config = GenerationConfig(num_beams=4, max_length=512, **gen)

    # Emit only target-side pieces and </s>, as a real ar->en model does; favour whole
    # words so that decoded output reads like (nonsense) English, not letter soup.
    english = set(_spm_pieces(tgt_spm))
    keep = {i: 0.0 if p[0] == "\u2581" and p[1:].isalpha() and len(p) > 2 else -0.3
            for i, p in enumerate(pieces) if p in english}
    _wire_monotonic(model, seed=seed, rotate=True, eos_id=eos, keep={**keep, eos: 0.0})
    model.save_pretrained(out_dir)  # config.json, generation_config.json, model.safetensors
    if big:  # the hub's tc-big folders have no generation_config.json: config.json has it
        saved = json.loads((out_dir / "config.json").read_text(encoding="utf-8"))
        saved.update(gen, num_beams=4, max_length=512, decoder_vocab_size=len(pieces))
        _write_json(out_dir / "config.json", saved)
        (out_dir / "generation_config.json").unlink()
    return out_dir


def build_bart(out_dir: Path, *, full_size: bool = False, seed: int = 0,
               corpus: str | None = None, bpe_lines: list[str] | None = None,
               bpe_vocab: int = 4000) -> Path:
    """Write a ``distilbart-cnn-12-6``-shaped BART summarizer folder and return it.

    ``corpus`` is English training text for the byte-level BPE (default: built-in news
    sentences). ``full_size`` gives the real architecture (~306 M parameters); the tiny
    one uses short generation limits (min 5, max 40 tokens) so tests stay fast.
    ``bpe_lines`` replaces the augmented corpus with plenty of real text (benchmarks:
    :mod:`mtjob.testing.bench_models`), ``bpe_vocab`` the size of the learned vocabulary.
    """
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.decoders import ByteLevel
    from transformers import BartConfig, BartForConditionalGeneration, GenerationConfig

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = bpe_lines if bpe_lines is not None else _augment(corpus or EN_SEED, 20, seed)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(lines, vocab_size=bpe_vocab, min_frequency=2, show_progress=False,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>"])
    bpe.save_model(str(out_dir))  # vocab.json + merges.txt, the files the hub repo has
    vocab = json.loads((out_dir / "vocab.json").read_text(encoding="utf-8"))
    n_real = len(vocab)
    vocab_size = _BART_FULL_VOCAB if full_size else n_real
    # Filler ids are never produced by the merges; <mask> goes one past the model's
    # vocab_size exactly as in the hub model.
    vocab.update({f"<dummy_{i}>": i for i in range(len(vocab), vocab_size)})
    vocab["<mask>"] = vocab_size
    _write_json(out_dir / "vocab.json", vocab)
    _write_json(out_dir / "tokenizer_config.json", {"model_max_length": 1024})

    dims = (dict(d_model=1024, enc=12, dec=6, heads=16, ffn=4096) if full_size
            else dict(d_model=64, enc=2, dec=1, heads=4, ffn=128))
    config = BartConfig(
        vocab_size=vocab_size, d_model=dims["d_model"], encoder_layers=dims["enc"],
        decoder_layers=dims["dec"], encoder_attention_heads=dims["heads"],
        decoder_attention_heads=dims["heads"], encoder_ffn_dim=dims["ffn"],
        decoder_ffn_dim=dims["ffn"], activation_function="gelu", max_position_embeddings=1024,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
        forced_bos_token_id=0, forced_eos_token_id=2, scale_embedding=False,
        normalize_before=False, normalize_embedding=True,  # the CTranslate2 converter reads these
        architectures=["BartForConditionalGeneration"])
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(config).eval()
    lengths = (56, 142) if full_size else (5, 40)
    model.generation_config = GenerationConfig(
        num_beams=4, length_penalty=2.0, no_repeat_ngram_size=3, min_length=lengths[0],
        max_length=lengths[1], early_stopping=True, bos_token_id=0, eos_token_id=2,
        pad_token_id=1, decoder_start_token_id=2, forced_bos_token_id=0, forced_eos_token_id=2)

    # A copying model: the "summary" is the lead of the input, cut by max_length. When
    # no_repeat_ngram_size blocks the copy, the fallback must be real text: filler ids are
    # ruled out and lone UTF-8 fragments (which decode to U+FFFD) held back.
    byte_level = ByteLevel()
    keep = {i: -0.3 if "\ufffd" in byte_level.decode([t]) else 0.0
            for t, i in vocab.items() if i < n_real and i != config.pad_token_id}
    _wire_monotonic(model, seed=seed, rotate=False, keep=keep)
    model.save_pretrained(out_dir)
    return out_dir


def build_tiny_models(root: Path, *, full_size: bool = False, seed: int = 0) -> dict[str, Path]:
    """Build both folders under ``root``: ``{"mt": root/"marian-ar-en", "sum": root/"bart-sum"}``."""
    root = Path(root)
    return {"mt": build_marian(root / "marian-ar-en", full_size=full_size, seed=seed),
            "sum": build_bart(root / "bart-sum", full_size=full_size, seed=seed)}
