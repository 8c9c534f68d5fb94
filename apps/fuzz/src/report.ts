import type { CampaignResult } from './campaign.js';

/** The reproducer command of a finding (fast-check classes), for the report. */
export function replayCommand(result: Pick<CampaignResult, 'size'>, className: string, seed: number, path: string): string {
  const size = result.size === 'medium' ? '' : ` --${result.size}`;
  return `pnpm fuzz${size} --replay ${className} --seed ${seed} --path ${path}`;
}

/**
 * The campaign as Markdown: one row per class (cases tried, failing cases and distinct
 * findings), then the first `maxFindings` findings with their reproducers, then notes.
 */
export function formatReport(result: CampaignResult, maxFindings = 12): string {
  const lines: string[] = [];
  lines.push(`## unroll fuzz campaign: ${result.size}, seed ${result.seed}`, '');
  lines.push('| class | cases tried | failures |', '|---|---:|---:|');
  for (const c of result.classes) {
    const failures = c.skipped !== undefined ? `skipped: ${c.skipped}` : c.failingCases === 0 ? '0' : `${c.failingCases} (${c.findings.length} distinct)`;
    lines.push(`| ${c.name} | ${c.tried} | ${failures} |`);
  }
  lines.push('', `${result.seconds.toFixed(1)} s in all (${result.classes.map((c) => `${c.name} ${c.seconds.toFixed(1)} s`).join(', ')}).`);
  const findings = result.classes.flatMap((c) => c.findings);
  if (findings.length > 0) {
    lines.push('', `### Failures (${Math.min(maxFindings, findings.length)} of ${findings.length} distinct, most frequent first per class)`, '');
    for (const [i, f] of findings.slice(0, maxFindings).entries()) {
      lines.push(`${i + 1}. **${f.className}** \`${f.signature}\` — ${f.count} case${f.count === 1 ? '' : 's'}: ${f.message}`);
      lines.push(`   - case${f.shrunk ? ' (shrunk)' : ''}: \`${f.counterexample}\``);
      if (f.path !== '-') lines.push(`   - replay: \`${replayCommand(result, f.className, f.seed, f.path)}\``);
      const seen = Object.entries(f.tags).map(([k, v]) => `${k} ∈ {${v.join(', ')}}`);
      if (seen.length > 0) lines.push(`   - seen with: ${seen.join('; ')}`);
    }
  }
  const notes = result.classes.flatMap((c) => (c.notes ?? []).map((n) => `- ${c.name}: ${n}`));
  if (notes.length > 0) lines.push('', '### Notes', '', ...notes);
  return lines.join('\n');
}
