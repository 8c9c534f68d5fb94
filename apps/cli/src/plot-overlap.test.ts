import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'unroll-plot-'));

/** The attributes of every `<path>` (the curves) in an SVG document. */
function curves(svg: string): { d: string; dash: string | undefined; color: string }[] {
  return Array.from(svg.matchAll(/<path d="([^"]+)" fill="none" stroke="([^"]+)"[^>]*?(?: stroke-dasharray="([^"]+)")?>/g), (m) => ({ d: m[1], color: m[2], dash: m.at(3) }));
}

/** Centres of the markers of one colour: circles, squares and polygons. */
function markers(svg: string, color: string): string[] {
  return Array.from(svg.matchAll(new RegExp(`<(circle|rect|polygon) ([^>]*)fill="${color}"/>`, 'g')), (m) => `${m[1]} ${m[2]}`);
}

describe('unroll plot (spawned): curves that coincide stay visible', () => {
  it('deer and quasi-deer on a 1-D map have identical traces: the SVG draws them with different colours, dashes and marker shapes', () => {
    // In one dimension the diagonal of the Jacobian is the Jacobian: both methods take the same iterates.
    const file = join(tmp, 'logistic-ish.mjs');
    writeFileSync(file, 'export const dynamics = { dim: 1, name: "tanh-map", step(t, s, so, out, oo) { out[oo] = Math.tanh(1.5 * s[so]) + 0.1 * Math.sin(t); } };\nexport const s0 = [0.3];\n');
    const svgFile = join(tmp, 'overlap.svg');
    const r = spawnCli(['plot', 'convergence', '--system', file, '-T', '200', '--methods', 'deer,quasi-deer', '-o', svgFile, '--quiet']);
    expect(r.code).toBe(0);
    const svg = readFileSync(svgFile, 'utf8');
    const drawn = curves(svg);
    expect(drawn).toHaveLength(4); // 2 methods × (merit, error)
    const [deerMerit, quasiMerit] = drawn as [ReturnType<typeof curves>[number], ReturnType<typeof curves>[number]];
    expect(deerMerit.d).not.toBe('');
    expect(quasiMerit.d).toBe(deerMerit.d); // the same curve, drawn twice …
    expect(quasiMerit.dash).not.toBe(deerMerit.dash); // … one dashed over the other, so both colours show
    expect(quasiMerit.color).not.toBe(deerMerit.color);
    const deerMarks = markers(svg, deerMerit.color), quasiMarks = markers(svg, quasiMerit.color);
    expect(deerMarks.every((m) => m.startsWith('circle'))).toBe(true);
    expect(quasiMarks.every((m) => m.startsWith('rect'))).toBe(true);
    expect(quasiMarks.length).toBeGreaterThan(1);
  });

  it('the iteration axis starts at 0 and shows its 0 tick; the LLE axis shows 0 where λ changes sign', () => {
    const conv = join(tmp, 'conv.svg');
    expect(spawnCli(['plot', 'convergence', '--system', 'gru', '-p', 'dim=4', '-T', '300', '--methods', 'deer,picard', '-o', conv, '--quiet']).code).toBe(0);
    // x tick labels sit below the plot, centred on their grid line.
    const xTicks = (svg: string) => Array.from(svg.matchAll(/<text x="[^"]+" y="(\d+)" text-anchor="middle" font-size="11" fill="#444">([^<]+)<\/text>/g), (m) => m[2]);
    expect(xTicks(readFileSync(conv, 'utf8'))).toContain('0');
    const lle = join(tmp, 'lle.svg');
    expect(spawnCli(['plot', 'lle', '--system', 'logistic', '--sweep', 'r=2.9,3.3,3.7,4', '-T', '2000', '-o', lle, '--quiet']).code).toBe(0);
    const yTicks = Array.from(readFileSync(lle, 'utf8').matchAll(/text-anchor="end" font-size="11" fill="#444">([^<]+)</g), (m) => m[1]);
    expect(yTicks).toContain('0');
  });
});
