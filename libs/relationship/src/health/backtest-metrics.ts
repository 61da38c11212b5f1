// How well predicted probabilities match recorded outcomes (docs/backtest.md). Pure; ties and
// empty sets have defined answers, so a backtest never prints NaN for a thin demo.

export interface Scored {
  p: number;
  y: 0 | 1;
}

/** Area under the ROC curve: the chance a random positive is ranked above a random negative (ties count half). null without both classes. */
export function rocAuc(rows: readonly Scored[]): number | null {
  const sorted = [...rows].sort((a, b) => a.p - b.p);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].p === sorted[i].p) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k].y === 1) rankSum += avgRank;
    i = j;
  }
  for (const r of sorted) {
    if (r.y === 1) pos++;
    else neg++;
  }
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Average precision (area under the precision–recall curve, step-wise; tied scores form one step). null without positives. */
export function prAuc(rows: readonly Scored[]): number | null {
  const sorted = [...rows].sort((a, b) => b.p - a.p);
  const positives = sorted.reduce((s, r) => s + r.y, 0);
  if (positives === 0) return null;
  let tp = 0;
  let ap = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    let groupPos = 0;
    while (j < sorted.length && sorted[j].p === sorted[i].p) groupPos += sorted[j++].y;
    tp += groupPos;
    ap += (groupPos / positives) * (tp / j);
    i = j;
  }
  return ap;
}

/** Mean squared error of the probabilities (0 perfect; always guessing the base rate b gives b·(1−b)). */
export function brier(rows: readonly Scored[]): number | null {
  if (rows.length === 0) return null;
  let s = 0;
  for (const r of rows) s += (r.p - r.y) ** 2;
  return s / rows.length;
}

export interface CalibrationBin {
  /** 1 = the lowest predicted probabilities. */
  decile: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
  positives: number;
}

/** Rows sorted by p (ties in input order) cut into `bins` groups of (nearly) equal size. */
export function calibration(rows: readonly Scored[], bins = 10): CalibrationBin[] {
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.p - b.r.p || a.i - b.i).map((x) => x.r);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * sorted.length) / bins);
    const to = Math.floor(((b + 1) * sorted.length) / bins);
    const part = sorted.slice(from, to);
    if (part.length === 0) continue;
    const positives = part.reduce((s, r) => s + r.y, 0);
    out.push({ decile: b + 1, n: part.length, meanPredicted: part.reduce((s, r) => s + r.p, 0) / part.length, observedRate: positives / part.length, positives });
  }
  return out;
}

/** Churn rate among the top tenth by predicted risk over the base rate. null without positives. */
export function topDecileLift(rows: readonly Scored[]): number | null {
  const bins = calibration(rows, 10);
  const positives = rows.reduce((s, r) => s + r.y, 0);
  if (positives === 0 || bins.length === 0) return null;
  return bins[bins.length - 1].observedRate / (positives / rows.length);
}

export interface ModelFigures {
  n: number;
  positives: number;
  baseRate: number;
  rocAuc: number | null;
  prAuc: number | null;
  brier: number | null;
  topDecileLift: number | null;
  /** The largest |meanPredicted − observedRate| over the deciles. */
  maxCalibrationError: number | null;
  calibration: CalibrationBin[];
}

export function modelFigures(rows: readonly Scored[]): ModelFigures {
  const positives = rows.reduce((s, r) => s + r.y, 0);
  const cal = calibration(rows, 10);
  return {
    n: rows.length,
    positives,
    baseRate: rows.length > 0 ? positives / rows.length : 0,
    rocAuc: rocAuc(rows),
    prAuc: prAuc(rows),
    brier: brier(rows),
    topDecileLift: topDecileLift(rows),
    maxCalibrationError: cal.length > 0 ? Math.max(...cal.map((b) => Math.abs(b.meanPredicted - b.observedRate))) : null,
    calibration: cal,
  };
}
