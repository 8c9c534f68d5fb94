/**
 * How the i-th curve of a panel is drawn, so that curves stay apart where they coincide
 * (two methods with the same iterates draw one line over the other): each has its own
 * colour, dash pattern and marker shape. A dashed curve over a solid one shows both
 * colours; markers, spread over different points for each curve, show both shapes.
 */
export interface SeriesStyle {
  readonly color: string;
  /** SVG `stroke-dasharray`, or '' for a solid line. */
  readonly dash: string;
  readonly marker: MarkerShape;
}

/** The marker shapes, in the order curves take them. */
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangle-down';

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const dashes = ['', '7 4', '2 3', '10 3 2 3', '4 4', '1 4'];
const shapes: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond', 'triangle-down'];

/** The style of the i-th curve (0-based); patterns repeat only after as many curves as each list has. */
export function seriesStyle(i: number): SeriesStyle {
  return { color: palette[i % palette.length] ?? '#000', dash: dashes[i % dashes.length] ?? '', marker: shapes[i % shapes.length] ?? 'circle' };
}

const fixed = (v: number) => (Math.round(v * 10) / 10).toString();

/** One marker centred at (x, y), about 6 px across, in SVG. */
export function markerSvg(shape: MarkerShape, x: number, y: number, color: string): string {
  const r = 3;
  const points = (ps: readonly (readonly [number, number])[]) => `<polygon points="${ps.map(([dx, dy]) => `${fixed(x + dx)},${fixed(y + dy)}`).join(' ')}" fill="${color}"/>`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${fixed(x)}" cy="${fixed(y)}" r="${r}" fill="${color}"/>`;
    case 'square':
      return `<rect x="${fixed(x - r)}" y="${fixed(y - r)}" width="${2 * r}" height="${2 * r}" fill="${color}"/>`;
    case 'triangle':
      return points([[0, -r - 1], [r + 0.5, r], [-r - 0.5, r]]);
    case 'triangle-down':
      return points([[0, r + 1], [r + 0.5, -r], [-r - 0.5, -r]]);
    case 'diamond':
      return points([[0, -r - 1], [r + 1, 0], [0, r + 1], [-r - 1, 0]]);
  }
}

/**
 * Which of a curve's n points carry a marker: all of them for a short curve (a sweep), else
 * about `count`, evenly spaced and shifted by the curve's index, so curves that coincide
 * put their markers at different points.
 */
export function markedPoints(n: number, seriesIndex: number, count = 10): number[] {
  if (n <= count) return Array.from({ length: n }, (_, k) => k);
  const every = n / count;
  const phase = ((seriesIndex * 0.37) % 1) * every;
  const out: number[] = [];
  for (let p = phase; p < n; p += every) out.push(Math.min(n - 1, Math.floor(p)));
  return out;
}
