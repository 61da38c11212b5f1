/* global window */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { fmtDate } from './format.js';

// Chart.js (the UMD build, loaded by index.html) draws the curve; the bands are filled datasets.
const BAND_FILL = { red: 'rgba(220, 38, 38, 0.12)', yellow: 'rgba(234, 179, 8, 0.16)', green: 'rgba(22, 163, 74, 0.12)' };

/** Band edges as the server applied them (read from the points), falling back to the documented 40 / 70. */
export function bandEdges(points) {
  let redBelow = 40;
  let greenFrom = 70;
  for (const p of points) {
    if (p.band === 'red' && p.score >= redBelow) redBelow = p.score + 1;
    if (p.band === 'green' && p.score < greenFrom) greenFrom = p.score;
    if (p.band === 'yellow' && p.score < redBelow) redBelow = p.score;
    if (p.band === 'yellow' && p.score >= greenFrom) greenFrom = p.score + 1;
  }
  return { redBelow, greenFrom };
}

export function HealthChart({ points, label }) {
  const canvas = useRef(null);
  useEffect(() => {
    const Chart = window.Chart;
    if (!canvas.current || !Chart) return undefined;
    const { redBelow, greenFrom } = bandEdges(points);
    const labels = points.map((p) => fmtDate(p.at));
    const flat = (v) => points.map(() => v);
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'Health score', data: points.map((p) => p.score), borderColor: '#0f172a', backgroundColor: '#0f172a', borderWidth: 2, pointRadius: 0, pointHitRadius: 6, tension: 0.25, fill: false, yAxisID: 'y', order: 0 },
          { label: 'Churn risk %', data: points.map((p) => (typeof p.churnRisk === 'number' ? Math.round(p.churnRisk * 100) : null)), borderColor: '#7c3aed', borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, pointHitRadius: 6, fill: false, yAxisID: 'y', order: 1 },
          { label: 'Red band', data: flat(redBelow), borderWidth: 0, pointRadius: 0, backgroundColor: BAND_FILL.red, fill: 'origin', yAxisID: 'y', order: 5 },
          { label: 'Yellow band', data: flat(greenFrom), borderWidth: 0, pointRadius: 0, backgroundColor: BAND_FILL.yellow, fill: '-1', yAxisID: 'y', order: 6 },
          { label: 'Green band', data: flat(100), borderWidth: 0, pointRadius: 0, backgroundColor: BAND_FILL.green, fill: '-1', yAxisID: 'y', order: 7 },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          y: { min: 0, max: 100, ticks: { stepSize: 20 }, title: { display: true, text: 'score / risk %' } },
          x: { ticks: { maxTicksLimit: 8, autoSkip: true, maxRotation: 0 } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 14 } },
          tooltip: { filter: (item) => item.datasetIndex < 2 },
        },
      },
    });
    return () => chart.destroy();
  }, [points]);

  if (!window.Chart) return html`<p class="state error" role="alert">The chart library did not load. Reload the page; the table below has the same numbers.</p>`;
  return html`<div class="chart-box"><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}
