import { clipped, defineDynamics, type Dynamics, defineStrategy, diagonal, finiteDifferenceJvp, full, hutchinson, resolveDerivatives, scaled } from '@unroll/linearize';
import { diagonal as diagonalStructure } from '@unroll/scan';
import { rnn, rnnSpec } from './fixtures.js';
import { optionSlots, slot, target, type Target } from './target.js';

const dynamicsNames = ['dyn', 'dynamics', 'Dynamics', 'first argument'];

/** A valid strategy spec (Ã_t = the exact diagonal), for `defineStrategy`. */
function strategySpec() {
  return {
    name: 'my-diagonal',
    structure: (D: number) => diagonalStructure(D),
    prepare: (dyn: Dynamics) => diagonal().prepare(dyn),
  };
}

/** Every exported function of @unroll/linearize with a valid call (re-exports of @unroll/scan are tested there). */
export function linearizeTargets(): Target[] {
  const dynamicsFields = ['dim', 'step', 'jacobian', 'diagonal', 'jvp', 'paramCount', 'vjpParams', 'name', 'probe'];
  return [
    target('linearize.defineDynamics', defineDynamics, () => [rnnSpec()], [
      slot('0', 'spec'),
      ...dynamicsFields.map((k) => slot(`0.${k}`, k)),
      slot('0.probe.state', 'probe.state', 'state'),
      slot('0.probe.t', 'probe.t', 't'),
    ]),
    target('linearize.finiteDifferenceJvp', finiteDifferenceJvp, () => [rnn()], [slot('0', ...dynamicsNames), slot('0.dim', 'dim'), slot('0.step', 'step')]),
    target('linearize.resolveDerivatives', resolveDerivatives, () => [rnn()], [slot('0', ...dynamicsNames), slot('0.dim', 'dim'), slot('0.jvp', 'jvp'), slot('0.jacobian', 'jacobian'), slot('0.diagonal', 'diagonal')]),
    target('linearize.defineStrategy', defineStrategy, () => [strategySpec()], [slot('0', 'spec'), slot('0.name', 'name'), slot('0.structure', 'structure'), slot('0.prepare', 'prepare')]),
    target('linearize.hutchinson', hutchinson, () => [{ probes: 2, seed: 1 }], optionSlots(0, ['probes', 'seed'])),
    target('linearize.scaled', scaled, () => [0.5, full()], [slot('0', 'k'), slot('1', 'base'), slot('1.name', 'name', 'base'), slot('1.structure', 'structure', 'base'), slot('1.prepare', 'prepare', 'base')]),
    target('linearize.clipped', clipped, () => [{ lo: -1, hi: 1, base: diagonal() }], optionSlots(0, ['lo', 'hi', 'base'])),
  ];
}
