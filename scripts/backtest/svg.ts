// The reliability chart: mean predicted probability against the observed churn rate per decile,
// one line per model, the diagonal where a calibrated model lies.
import type { CalibrationBin } from '../../libs/relationship/src/index.js';

export interface Series {
  name: string;
  colour: string;
  bins: CalibrationBin[];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function reliabilitySvg(title: string, series: Series[]): string {
  const W = 560;
  const H = 520;
  const m = { left: 60, right: 170, top: 40, bottom: 50 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  // The axes reach the largest value shown (rounded up to a tenth), so a model that never
  // predicts above 30% is not squeezed into a corner.
  let max = 0.1;
  for (const s of series) for (const b of s.bins) max = Math.max(max, b.meanPredicted, b.observedRate);
  max = Math.min(1, Math.ceil(max * 10) / 10);
  const x = (v: number) => m.left + (v / max) * pw;
  const y = (v: number) => m.top + ph - (v / max) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${m.left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (max * i) / 5;
    out.push(`<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(max)}" stroke="#eee"/><line x1="${x(0)}" y1="${y(v)}" x2="${x(max)}" y2="${y(v)}" stroke="#eee"/>`);
    out.push(`<text x="${x(v)}" y="${y(0) + 16}" text-anchor="middle">${(v * 100).toFixed(0)}%</text>`);
    out.push(`<text x="${x(0) - 6}" y="${y(v) + 4}" text-anchor="end">${(v * 100).toFixed(0)}%</text>`);
  }
  out.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(max)}" y2="${y(max)}" stroke="#999" stroke-dasharray="4 4"/>`);
  out.push(`<rect x="${x(0)}" y="${y(max)}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle">mean predicted churn probability (per decile)</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">observed churn rate</text>`);
  series.forEach((s, k) => {
    const pts = s.bins.map((b) => `${x(b.meanPredicted).toFixed(1)},${y(b.observedRate).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
    for (const b of s.bins) out.push(`<circle cx="${x(b.meanPredicted).toFixed(1)}" cy="${y(b.observedRate).toFixed(1)}" r="4" fill="${s.colour}"><title>${esc(s.name)} decile ${b.decile}: predicted ${(100 * b.meanPredicted).toFixed(1)}%, observed ${(100 * b.observedRate).toFixed(1)}% (${b.positives}/${b.n})</title></circle>`);
    const ly = m.top + 20 + k * 22;
    out.push(`<line x1="${W - m.right + 15}" y1="${ly}" x2="${W - m.right + 35}" y2="${ly}" stroke="${s.colour}" stroke-width="2"/><text x="${W - m.right + 40}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push(`<text x="${W - m.right + 15}" y="${m.top + 20 + series.length * 22}" fill="#999">- - calibrated</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
