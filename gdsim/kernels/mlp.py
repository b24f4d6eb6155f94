"""Compiled forward and backward passes of the plain network (no batch norm, no dropout).

One generic set of numba functions serves every shape (widths, activation and loss come as
arguments), so it compiles once per install and later launches load it from numba's disk
cache. The work is cut into fixed chunks, (run, block of :data:`BLK` points); a chunk runs
the block forward through every layer, the loss and the backward pass with its activations
kept feature-major (unit × point, the points contiguous), so every inner loop runs over a
block's points and LLVM vectorizes it (tanh, σ's exp and ELU's expm1 from :mod:`.vmath`).
Each chunk writes its partial gradient and loss to its own slot, and the slots are summed in
chunk order: the result does not depend on how many threads took the chunks. Compiled with
FMA contraction (``fastmath={"contract"}``, nothing else of fast-math). Loaded through
:func:`gdsim.kernels.mlp_pass.compiled_module` (a copy in the kernel cache folder), never
imported directly.

Agreement with the NumPy path of :class:`gdsim.nn.network.Network` (the reference): the
same formulas, summed in another order, and tanh/σ within a few ulp, so losses, logits and
gradients agree to ~1e-15 relative (tests bound them at 1e-12).
"""

from __future__ import annotations

import math

from numba import njit

from gdsim.kernels import vmath

BLK = 128  # points per chunk: long inner loops, and a small network's block stays in L1–L2
# activation and loss codes: gdsim.kernels.mlp_pass.ACTIVATIONS and LOSSES
LEAKY_SLOPE = 0.01  # as gdsim.nn.activations
ELU_ALPHA = 1.0

_OPTS = dict(nogil=True, cache=True, error_model="numpy", fastmath={"contract"})


@njit(**_OPTS)
def _activate(z, m, act, zs):
    """The activation over the first ``m`` entries of row ``z``, in place (swish first
    copies z to ``zs``: its derivative needs it)."""
    if act == 0:
        for p in range(m):
            z[p] = vmath.tanh(z[p])
    elif act == 1:
        for p in range(m):
            z[p] = 1.0 / (vmath.exp(-z[p]) + 1.0)
    elif act == 2:
        for p in range(m):
            v = z[p]
            z[p] = 0.0 if v < 0.0 else v  # NaN stays NaN, as with np.maximum
    elif act == 3:
        for p in range(m):
            v = z[p]
            z[p] = v if v > 0 else LEAKY_SLOPE * v
    elif act == 4:
        for p in range(m):
            v = z[p]
            z[p] = v if v > 0 else ELU_ALPHA * vmath.expm1(v)
    elif act == 6:
        for p in range(m):
            v = z[p]
            zs[p] = v
            z[p] = v * (1.0 / (vmath.exp(-v) + 1.0))


@njit(**_OPTS)
def _derivative(d, a, m, act, zs):
    """``d`` *= f'(z) over the first ``m`` points, from the activation ``a`` = f(z) (swish:
    and z, kept in ``zs``)."""
    if act == 0:
        for p in range(m):
            d[p] *= 1.0 - a[p] * a[p]
    elif act == 1:
        for p in range(m):
            d[p] *= (1.0 - a[p]) * a[p]
    elif act == 2:
        for p in range(m):
            d[p] = d[p] if a[p] > 0 else 0.0 * d[p]
    elif act == 3:
        for p in range(m):
            d[p] = d[p] if a[p] > 0 else LEAKY_SLOPE * d[p]
    elif act == 4:
        for p in range(m):
            d[p] = d[p] if a[p] > 0 else (a[p] + ELU_ALPHA) * d[p]
    elif act == 6:
        for p in range(m):
            sg = 1.0 / (vmath.exp(-zs[p]) + 1.0)
            d[p] *= sg + a[p] * (1.0 - sg)


@njit(**_OPTS)
def _sum(a, m):
    """Σ a[p] over p < m in eight fixed lanes."""
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    q = m - m % 8
    for p in range(0, q, 8):
        s0 += a[p]
        s1 += a[p + 1]
        s2 += a[p + 2]
        s3 += a[p + 3]
        s4 += a[p + 4]
        s5 += a[p + 5]
        s6 += a[p + 6]
        s7 += a[p + 7]
    t = 0.0
    for p in range(q, m):
        t += a[p]
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + t


@njit(**_OPTS)
def _sum_ordered(a, m):
    """Σ a[p] over p < m, left to right: a fixed order (the loss of a block)."""
    t = 0.0
    for p in range(m):
        t += a[p]
    return t


@njit(**_OPTS)
def _forward_layer(A, i0, o0, fi, fo, w, wo, m):
    """Rows o0 … o0+fo of ``A`` = b + Wᵀ·(rows i0 … i0+fi) over ``m`` points; four inputs
    per sweep over the points (fewer loads and stores per multiply-add), summed in order."""
    for j in range(fo):
        z = A[o0 + j]
        bj = w[wo + fi * fo + j]
        for p in range(m):
            z[p] = bj
        i = 0
        while i + 4 <= fi:
            w0 = w[wo + i * fo + j]
            w1 = w[wo + (i + 1) * fo + j]
            w2 = w[wo + (i + 2) * fo + j]
            w3 = w[wo + (i + 3) * fo + j]
            h0, h1, h2, h3 = A[i0 + i], A[i0 + i + 1], A[i0 + i + 2], A[i0 + i + 3]
            for p in range(m):
                z[p] = (((z[p] + w0 * h0[p]) + w1 * h1[p]) + w2 * h2[p]) + w3 * h3[p]
            i += 4
        while i < fi:
            wi = w[wo + i * fo + j]
            h = A[i0 + i]
            for p in range(m):
                z[p] += wi * h[p]
            i += 1


@njit(**_OPTS)
def _back_layer(d, out, fi, fo, w, wo, m):
    """``out[i]`` = Σ_j W[i, j]·d[j] over ``m`` points, four units of ``d`` per sweep."""
    for i in range(fi):
        o = out[i]
        for p in range(m):
            o[p] = 0.0
        row = wo + i * fo
        j = 0
        while j + 4 <= fo:
            w0, w1, w2, w3 = w[row + j], w[row + j + 1], w[row + j + 2], w[row + j + 3]
            d0, d1, d2, d3 = d[j], d[j + 1], d[j + 2], d[j + 3]
            for p in range(m):
                o[p] = (((o[p] + w0 * d0[p]) + w1 * d1[p]) + w2 * d2[p]) + w3 * d3[p]
            j += 4
        while j < fo:
            wj = w[row + j]
            dj = d[j]
            for p in range(m):
                o[p] += wj * dj[p]
            j += 1


@njit(**_OPTS)
def _dot8(h, d, m):
    """Σ h[p]·d[p] over p < m in eight fixed lanes (a fixed order LLVM can vectorize)."""
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    q = m - m % 8
    for p in range(0, q, 8):
        s0 += h[p] * d[p]
        s1 += h[p + 1] * d[p + 1]
        s2 += h[p + 2] * d[p + 2]
        s3 += h[p + 3] * d[p + 3]
        s4 += h[p + 4] * d[p + 4]
        s5 += h[p + 5] * d[p + 5]
        s6 += h[p + 6] * d[p + 6]
        s7 += h[p + 7] * d[p + 7]
    t = 0.0
    for p in range(q, m):
        t += h[p] * d[p]
    return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) + t


@njit(**_OPTS)
def _weight_grads(A, i0, d, DT, fi, fo, g, wo, m):
    """g[W[i, j]] = Σ_p h[i, p]·d[j, p] for the block. Narrow layers (fewer than four
    units out, as the output layer): a dot product per weight along the points. Else
    ``d`` transposed into ``DT`` (point × unit) so the sums run along a weight row, two rows
    and four points per sweep (fewer loads per multiply-add), in point order."""
    if fo < 4:
        for i in range(fi):
            for j in range(fo):
                g[wo + i * fo + j] = _dot8(A[i0 + i], d[j], m)
        return
    for j in range(fo):
        dj = d[j]
        for p in range(m):
            DT[p, j] = dj[p]
    i = 0
    while i + 2 <= fi:
        h, k = A[i0 + i], A[i0 + i + 1]
        gr = g[wo + i * fo : wo + (i + 1) * fo]
        gs = g[wo + (i + 1) * fo : wo + (i + 2) * fo]
        for j in range(fo):
            gr[j] = 0.0
            gs[j] = 0.0
        p = 0
        while p + 4 <= m:
            a0, a1, a2, a3 = h[p], h[p + 1], h[p + 2], h[p + 3]
            b0, b1, b2, b3 = k[p], k[p + 1], k[p + 2], k[p + 3]
            t0, t1, t2, t3 = DT[p], DT[p + 1], DT[p + 2], DT[p + 3]
            for j in range(fo):
                u0, u1, u2, u3 = t0[j], t1[j], t2[j], t3[j]
                gr[j] = (((gr[j] + a0 * u0) + a1 * u1) + a2 * u2) + a3 * u3
                gs[j] = (((gs[j] + b0 * u0) + b1 * u1) + b2 * u2) + b3 * u3
            p += 4
        while p < m:
            a0, b0 = h[p], k[p]
            t0 = DT[p]
            for j in range(fo):
                gr[j] += a0 * t0[j]
                gs[j] += b0 * t0[j]
            p += 1
        i += 2
    if i < fi:  # an odd row left
        h = A[i0 + i]
        gr = g[wo + i * fo : wo + (i + 1) * fo]
        for j in range(fo):
            gr[j] = 0.0
        for p in range(m):
            a0 = h[p]
            t0 = DT[p]
            for j in range(fo):
                gr[j] += a0 * t0[j]


@njit(**_OPTS)
def chunks(P, X, T, widths, woff, aoff, act, loss, grad, c0, c1, nblk, blk, A, ZS, D1, D2, DT,
           gslot, lslot, logits):
    """Chunks ``c0`` to ``c1`` − 1 of a pass: chunk c is run c // nblk, points of block
    c % nblk, ``blk`` points a block (at most the scratch's BLK columns). ``P`` (N, D)
    weights; ``X`` (B, n_in); ``T`` (B, n_out) targets; ``widths`` (L + 1,); ``woff`` (L,)
    where each layer's W starts in a row (b follows W); ``aoff`` (L + 2,) each layer's first
    row in the scratch ``A`` (units × BLK) and ``ZS`` (its pre-activations, for swish only);
    ``D1``/``D2`` (max width, BLK) and ``DT`` (BLK, max width) scratch for the backward pass.
    Writes the chunk's summed loss terms to ``lslot[c]`` (``loss`` < 0: none), with ``grad`` its
    gradient terms to ``gslot[c]`` (D,), and the logits (N, B, n_out) when ``logits`` has
    rows."""
    assert blk <= A.shape[1]  # numba checks no bounds: a block must fit the scratch
    n_layers = widths.size - 1
    n_out = widths[n_layers]
    B = X.shape[0]
    want_logits = logits.shape[0] > 0
    for c in range(c0, c1):
        r = c // nblk
        p0 = (c % nblk) * blk
        m = min(blk, B - p0)
        w = P[r]
        for i in range(widths[0]):
            row = A[aoff[0] + i]
            for p in range(m):
                row[p] = X[p0 + p, i]
        # forward: z[j] = b[j] + Σ_i W[i, j]·h[i] over the block's points
        for k in range(n_layers):
            _forward_layer(A, aoff[k], aoff[k + 1], widths[k], widths[k + 1], w, woff[k], m)
            if k < n_layers - 1:
                for j in range(widths[k + 1]):
                    _activate(A[aoff[k + 1] + j], m, act, ZS[aoff[k + 1] + j])
        zo = aoff[n_layers]
        if want_logits:
            for j in range(n_out):
                z = A[zo + j]
                for p in range(m):
                    logits[r, p0 + p, j] = z[p]
        # loss terms and dL/dz of the output (D1, unit × point), before the 1/B scaling
        total = 0.0
        if loss < 0:  # outputs only
            continue
        if loss == 0:  # mse: Σ (z − t)², gradient 2(z − t)/(B·K)
            s = 2.0 / (B * n_out)
            for j in range(n_out):
                z = A[zo + j]
                d = D1[j]
                for p in range(m):
                    e = z[p] - T[p0 + p, j]
                    total += e * e
                    d[p] = e * s
        elif loss == 1:  # bce: softplus(z) − z·t, gradient (σ(z) − t)/B
            s = 1.0 / B
            for j in range(n_out):
                z = A[zo + j]
                d = D1[j]
                terms, tj = D2[0], D2[1]  # free until the backward pass
                for p in range(m):
                    tj[p] = T[p0 + p, j]
                for p in range(m):  # contiguous and branch-free: vectorized
                    v = z[p]
                    t = tj[p]
                    e = vmath.exp(-abs(v))
                    terms[p] = (max(v, 0.0) + vmath.log1p_unit(e)) - v * t
                    r = 1.0 / (1.0 + e)
                    d[p] = ((r if v >= 0.0 else e * r) - t) * s  # σ(v) − t
                total += _sum_ordered(terms, m)  # the terms summed in order
        else:  # ce: logsumexp(z) − Σ z·t, gradient (softmax(z) − t)/B
            s = 1.0 / B
            for p in range(m):
                mx = A[zo, p]
                for j in range(1, n_out):
                    mx = max(mx, A[zo + j, p])
                se = 0.0
                for j in range(n_out):
                    e = math.exp(A[zo + j, p] - mx)
                    D1[j, p] = e
                    se += e
                zt = 0.0
                for j in range(n_out):
                    zt += A[zo + j, p] * T[p0 + p, j]
                    D1[j, p] = (D1[j, p] / se - T[p0 + p, j]) * s
                total += (math.log(se) + mx) - zt
        lslot[c] = total
        if not grad:
            continue
        g = gslot[c]
        d, other = D1, D2
        for k in range(n_layers - 1, -1, -1):
            fi, fo = widths[k], widths[k + 1]
            wo = woff[k]
            _weight_grads(A, aoff[k], d, DT, fi, fo, g, wo, m)
            for j in range(fo):
                g[wo + fi * fo + j] = _sum(d[j], m)
            if k == 0:
                break
            _back_layer(d, other, fi, fo, w, wo, m)  # back through W
            for i in range(fi):  # then the activation of the layer below
                _derivative(other[i], A[aoff[k] + i], m, act, ZS[aoff[k] + i])
            d, other = other, d


@njit(**_OPTS)
def reduce_slots(gslot, lslot, nblk, G, loss, grad):
    """Per run: the chunks' loss terms (and gradient terms into ``G``) summed in order."""
    for r in range(loss.size):
        c0 = r * nblk
        s = 0.0
        for c in range(c0, c0 + nblk):
            s += lslot[c]
        loss[r] = s
        if grad:
            row = G[r]
            row[:] = gslot[c0]
            for c in range(c0 + 1, c0 + nblk):
                part = gslot[c]
                for q in range(row.size):
                    row[q] += part[q]
