import { markedPoints, markerSvg, seriesStyle } from './series-style.js';
import { linearTicks, logTicks, tickLabel } from './ticks.js';

/** One curve of a chart. */
export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** A marker at every point (a sweep); otherwise about ten markers spread along the curve. */
  readonly markers?: boolean;
}

/** One panel: axes, curves, legend. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Logarithmic y axis: non-positive values are left out (a merit of exactly 0 has no place on it). */
  readonly logY?: boolean;
  /** Logarithmic x axis (a sequence length over decades): non-positive values are left out. */
  readonly logX?: boolean;
  /** The x axis starts at 0 (a count, such as iterations), so its 0 tick is shown. */
  readonly xFromZero?: boolean;
  /** A dashed horizontal reference line (λ = 0, a tolerance). */
  readonly referenceY?: { readonly value: number; readonly label: string };
  readonly series: readonly Series[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fixed = (v: number) => (Math.round(v * 10) / 10).toString();

const panelWidth = 460, panelHeight = 320;
const margin = { left: 64, right: 16, top: 62, bottom: 48 };

/** The extent of finite, plottable values (positive ones on a log axis), padded when flat. */
function extent(values: readonly number[], log: boolean): [number, number] {
  const ok = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (ok.length === 0) return log ? [1e-1, 1e1] : [0, 1];
  let lo = Math.min(...ok), hi = Math.max(...ok);
  if (log) {
    lo = 10 ** Math.floor(Math.log10(lo));
    hi = 10 ** Math.ceil(Math.log10(hi));
    if (hi <= lo) hi = lo * 10;
  } else if (hi === lo) {
    lo -= Math.abs(lo) * 0.1 + 0.5;
    hi += Math.abs(hi) * 0.1 + 0.5;
  }
  return [lo, hi];
}

/** Places legend items left to right from (x0, y); an item that does not fit starts a row 14 px below (two rows fit above the plot). */
function legendRows(x0: number, x1: number, y: number): { place(width: number): { x: number; y: number } } {
  let x = x0, row = y;
  return {
    place(width: number) {
      if (x > x0 && x + width > x1) {
        x = x0;
        row += 14;
      }
      const at = { x, y: row };
      x += width;
      return at;
    },
  };
}

function renderPanel(p: Panel, ox: number): string {
  const log = p.logY === true, logX = p.logX === true;
  const plotW = panelWidth - margin.left - margin.right, plotH = panelHeight - margin.top - margin.bottom;
  const [x0, x1] = extent(p.series.flatMap((s) => s.x).concat(p.xFromZero === true && !logX ? [0] : []), logX);
  const ys = p.series.flatMap((s) => s.y).concat(p.referenceY === undefined ? [] : [p.referenceY.value]);
  const [y0, y1] = extent(ys, log);
  const sx = (x: number) => margin.left + ((logX ? Math.log10(x) - Math.log10(x0) : x - x0) / (logX ? Math.log10(x1) - Math.log10(x0) : x1 - x0)) * plotW;
  const sy = (y: number) => margin.top + plotH - ((log ? Math.log10(y) - Math.log10(y0) : y - y0) / (log ? Math.log10(y1) - Math.log10(y0) : y1 - y0)) * plotH;
  const parts: string[] = [`<g transform="translate(${ox},0)">`];
  parts.push(`<text x="${margin.left + plotW / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${esc(p.title)}</text>`);
  // Grid and ticks.
  for (const t of logX ? logTicks(x0, x1) : linearTicks(x0, x1)) {
    const x = fixed(sx(t));
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${x}" y="${margin.top + plotH + 16}" text-anchor="middle" font-size="11" fill="#444">${tickLabel(t, logX)}</text>`);
  }
  for (const t of log ? logTicks(y0, y1) : linearTicks(y0, y1)) {
    const y = fixed(sy(t));
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y}" dy="4" text-anchor="end" font-size="11" fill="#444">${tickLabel(t, log)}</text>`);
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${margin.left + plotW / 2}" y="${panelHeight - 10}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`);
  parts.push(`<text transform="translate(16,${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel)}</text>`);
  if (p.referenceY !== undefined && (!log || p.referenceY.value > 0)) {
    const y = fixed(sy(p.referenceY.value));
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#666" stroke-dasharray="5 4"/>`);
    parts.push(`<text x="${margin.left + plotW - 4}" y="${y}" dy="-4" text-anchor="end" font-size="10" fill="#666">${esc(p.referenceY.label)}</text>`);
  }
  const legend = legendRows(margin.left, margin.left + plotW, 38);
  // Curves: a gap wherever a value cannot be drawn (NaN, or ≤ 0 on a log axis). Each has its
  // own dash and marker shape, so a curve drawn over an identical one still shows.
  p.series.forEach((s, i) => {
    const { color, dash, marker } = seriesStyle(i);
    const dashAttribute = dash === '' ? '' : ` stroke-dasharray="${dash}"`;
    const n = Math.min(s.x.length, s.y.length);
    const drawable = (k: number) => {
      const x = s.x[k] ?? Number.NaN, y = s.y[k] ?? Number.NaN;
      return Number.isFinite(x) && Number.isFinite(y) && !(log && y <= 0) && !(logX && x <= 0);
    };
    let d = '', pen = false;
    for (let k = 0; k < n; k++) {
      if (!drawable(k)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${fixed(sx(s.x[k] ?? 0))},${fixed(sy(s.y[k] ?? 0))}`;
      pen = true;
    }
    const marked = s.markers === true ? Array.from({ length: n }, (_, k) => k) : markedPoints(n, i);
    const dots = marked.filter(drawable).map((k) => markerSvg(marker, sx(s.x[k] ?? 0), sy(s.y[k] ?? 0), color));
    if (d !== '') parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${dashAttribute}><title>${esc(s.name)}</title></path>`, ...dots);
    // Legend: one row between the title and the plot, so it never covers a curve.
    const at = legend.place(Array.from(s.name).length * 6.2 + 30);
    parts.push(`<line x1="${fixed(at.x)}" x2="${fixed(at.x + 18)}" y1="${at.y - 4}" y2="${at.y - 4}" stroke="${color}" stroke-width="2"${dashAttribute}/>`);
    parts.push(markerSvg(marker, at.x + 9, at.y - 4, color));
    parts.push(`<text x="${fixed(at.x + 22)}" y="${at.y}" font-size="11">${esc(s.name)}</text>`);
  });
  parts.push('</g>');
  return parts.join('\n');
}

/** A figure of panels side by side, as a standalone SVG document. */
export function renderFigure(panels: readonly Panel[], caption?: string): string {
  const width = panelWidth * panels.length, height = panelHeight + (caption === undefined ? 0 : 24);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...panels.map((p, i) => renderPanel(p, i * panelWidth)),
    ...(caption === undefined ? [] : [`<text x="12" y="${height - 8}" font-size="11" fill="#555">${esc(caption)}</text>`]),
    '</svg>',
    '',
  ].join('\n');
}
