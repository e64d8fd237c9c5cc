"""The tiny models' weights rewired so that their outputs are deterministic and depend on
the input: a seeded random model whose attention and output layers copy its input position
by position (``wire_monotonic``), in Marian's or BART's layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch


def sinusoids(n_pos: int, dim: int) -> torch.Tensor:
    """Marian's position table: sines in the first half, cosines in the second."""
    import torch

    freq = 10000.0 ** (-2 * torch.arange(dim // 2, dtype=torch.float64) / dim)
    ang = torch.arange(n_pos, dtype=torch.float64)[:, None] * freq
    return torch.cat([ang.sin(), ang.cos()], 1).float()


def wire_monotonic(model: Any, *, seed: int, rotate: bool, keep: dict[int, float] | None = None,
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
                side.embed_positions.weight[2:] = sinusoids(cfg.max_position_embeddings, d)

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
        table = sinusoids(256, d).double()
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
