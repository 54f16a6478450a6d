"""Fast DeLong (Sun & Xu 2014, IEEE Signal Processing Letters 21(11):1389-1393) in NumPy: an independent check of
LLM4EHR.Leaderboard.DeLong, run by DeLongCrossCheckTests with Debian's python3-numpy.

Input (argv[1], JSON): {"y": N x K labels 0/1, "a": N x K scores of model A, "b": N x K scores of model B,
"z": [numbers]}. Output (stdout, JSON): per label (null for a single-class label) the two AUCs, their variances and
covariance and the two-sided p of DeLong's z-test; the same for the macro AUC (mean over labels with both classes);
and erfc(|z|/sqrt(2)) for each number in "z".

Per label: midranks of the positives (X), the negatives (Y) and both (Z); AUC = (sum Tz[:m] - m(m+1)/2) / (mn),
V10 = (Tz[:m] - Tx) / n, V01 = 1 - (Tz[m:] - Ty) / m, S = cov(V10)/m + cov(V01)/n (sample covariances; a class with one
member has none and contributes 0). Macro: the per-stay components of each label, scaled so that for one label their
sum of squares is exactly S, averaged over labels per stay; S_macro = E^T E.
"""
import json
import math
import sys

import numpy as np


def midrank(x):
    order = np.argsort(x, kind="mergesort")
    z = x[order]
    n = len(x)
    ranks = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and z[j] == z[i]:
            j += 1
        ranks[i:j] = 0.5 * (i + j - 1) + 1  # 1-based midrank of the tie group
        i = j
    out = np.empty(n)
    out[order] = ranks
    return out


def components(y, scores):
    """AUCs [2], V10 [2, m], V01 [2, n] of the two models on one label."""
    pos = y == 1
    m, n = int(pos.sum()), int((~pos).sum())
    aucs, v10, v01 = [], [], []
    for s in scores:
        x, yy = s[pos], s[~pos]
        tx, ty, tz = midrank(x), midrank(yy), midrank(np.concatenate([x, yy]))
        aucs.append((tz[:m].sum() - m * (m + 1) / 2) / (m * n))
        v10.append((tz[:m] - tx) / n)
        v01.append(1 - (tz[m:] - ty) / m)
    return np.array(aucs), np.array(v10), np.array(v01), pos, m, n


def sample_cov(v):
    return np.cov(v) if v.shape[1] > 1 else np.zeros((2, 2))


def p_value(auc, s):
    diff = auc[0] - auc[1]
    if diff == 0:
        return 1.0
    return math.erfc(abs(diff / math.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1])) / math.sqrt(2))


def result(auc, s):
    return {"auc_a": auc[0], "auc_b": auc[1], "var_a": s[0, 0], "var_b": s[1, 1], "cov": s[0, 1], "p": p_value(auc, s)}


data = json.load(open(sys.argv[1]))
y, a, b = np.array(data["y"]), np.array(data["a"], dtype=float), np.array(data["b"], dtype=float)
labels, pooled, macro_aucs = [], np.zeros((y.shape[0], 2)), []
for k in range(y.shape[1]):
    if y[:, k].min() == y[:, k].max():
        labels.append(None)
        continue
    auc, v10, v01, pos, m, n = components(y[:, k], np.stack([a[:, k], b[:, k]]))
    labels.append(result(auc, sample_cov(v10) / m + sample_cov(v01) / n))
    e = np.zeros((y.shape[0], 2))
    if m > 1:
        e[pos] = (v10 - auc[:, None]).T / math.sqrt(m * (m - 1))
    if n > 1:
        e[~pos] = (v01 - auc[:, None]).T / math.sqrt(n * (n - 1))
    pooled += e
    macro_aucs.append(auc)
k_used = len(macro_aucs)
pooled /= k_used
macro = result(np.mean(macro_aucs, axis=0), pooled.T @ pooled)
print(json.dumps({"labels": labels, "macro": macro, "erfc": [math.erfc(abs(z) / math.sqrt(2)) for z in data["z"]]}))
