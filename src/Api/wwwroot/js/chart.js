// The project's two pictures, drawn as SVG from the view's figures (no figure computed here
// beyond proportions): money in by source against plan, and money out by tranche against caps.

import { moneyText, svg } from './dom.js';
import { language, t, term } from './i18n.js';

/** Horizontal bars: for each funding source, the plan (outline) and what was received (filled). */
export function fundingChart(sources) {
  const width = 720;
  // English names of the sources are longer than the Chinese ones.
  const labelWidth = language() === 'en' ? 190 : 110;
  const valueWidth = 200;
  const barWidth = width - labelWidth - valueWidth;
  const row = 46;
  const height = sources.length * row + 34;
  const max = Math.max(1, ...sources.map(s => Math.max(s.plannedFen, s.receivedFen)));
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart funding-chart', role: 'img',
    'aria-label': t('project.funding'),
  });
  sources.forEach((source, i) => {
    const y = 8 + i * row;
    const planned = Math.max(1, Math.round(barWidth * source.plannedFen / max));
    const received = Math.round(barWidth * source.receivedFen / max);
    chart.append(
      svg('text', { x: labelWidth - 10, y: y + 21, class: 'chart-label', 'text-anchor': 'end' }, term(source.source)),
      svg('rect', { x: labelWidth, y: y + 4, width: planned, height: 24, class: 'bar-planned', rx: 3 }),
      svg('rect', { x: labelWidth, y: y + 8, width: received, height: 16, class: 'bar-received', rx: 2 }),
      svg('text', { x: labelWidth + barWidth + 10, y: y + 15, class: 'chart-value' }, moneyText(source.receivedFen)),
      svg('text', { x: labelWidth + barWidth + 10, y: y + 31, class: 'chart-value muted' }, '/ ' + moneyText(source.plannedFen)),
    );
  });
  const legendY = height - 12;
  chart.append(
    svg('rect', { x: labelWidth, y: legendY - 10, width: 18, height: 12, class: 'bar-planned', rx: 2 }),
    svg('text', { x: labelWidth + 24, y: legendY, class: 'chart-legend' }, t('project.planned')),
    svg('rect', { x: labelWidth + 110, y: legendY - 10, width: 18, height: 12, class: 'bar-received', rx: 2 }),
    svg('text', { x: labelWidth + 134, y: legendY, class: 'chart-legend' }, t('project.received')),
  );
  return chart;
}

/**
 * The contract price as one bar cut into its tranches (width = the tranche's percent); in each,
 * what was paid, what is pending, and the rest unlocked or still locked by its milestone.
 */
export function trancheChart(tranches, contractPriceFen) {
  const width = 720;
  const left = 10;
  const barWidth = width - 2 * left;
  const height = 118;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart tranche-chart', role: 'img', 'aria-label': t('project.tranches'),
  });
  let x = left;
  let previousCap = 0;
  for (const tranche of tranches) {
    const capFen = tranche.cumulativeCapFen - previousCap;
    previousCap = tranche.cumulativeCapFen;
    const w = barWidth * tranche.percent / 100;
    const paid = capFen > 0 ? w * Math.min(1, tranche.paidFen / capFen) : 0;
    const pending = capFen > 0 ? w * Math.min(1, tranche.pendingFen / capFen) : 0;
    // A narrow tranche at the right end has its labels end at its right edge, inside the picture.
    const atEnd = x + w > left + barWidth * 0.8 && w < barWidth * 0.25;
    const labelX = atEnd ? x + w - 4 : x + 6;
    const anchor = atEnd ? 'end' : 'start';
    chart.append(
      svg('rect', { x, y: 10, width: w, height: 34, class: tranche.unlocked ? 'bar-open' : 'bar-locked' }),
      svg('rect', { x, y: 10, width: paid, height: 34, class: 'bar-paid' }),
      svg('rect', { x: x + paid, y: 10, width: pending, height: 34, class: 'bar-pending' }),
      svg('line', { x1: x, y1: 4, x2: x, y2: 50, class: 'bar-divider' }),
      svg('text', { x: labelX, y: 66, class: 'chart-label', 'text-anchor': anchor }, `${term(tranche.tranche)} ${tranche.percent}%`),
      svg('text', { x: labelX, y: 84, class: 'chart-value muted', 'text-anchor': anchor }, `${t('project.paid')} ${moneyText(tranche.paidFen)}`),
    );
    x += w;
  }
  chart.append(svg('line', { x1: x, y1: 4, x2: x, y2: 50, class: 'bar-divider' }));
  const legend = [['bar-paid', 'project.legend.paid'], ['bar-pending', 'project.legend.pending'],
    ['bar-open', 'project.legend.open'], ['bar-locked', 'project.legend.locked']];
  legend.forEach(([cls, key], i) => {
    const lx = left + i * 175;
    chart.append(
      svg('rect', { x: lx, y: height - 20, width: 16, height: 12, class: cls }),
      svg('text', { x: lx + 22, y: height - 10, class: 'chart-legend' }, t(key)),
    );
  });
  chart.dataset.contractFen = String(contractPriceFen);
  return chart;
}
