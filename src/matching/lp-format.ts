/**
 * The transportation problem as CPLEX LP text, to check our solver against a general LP solver
 * (the benchmark feeds it to HiGHS) or to hand an instance to an auditor. Variables are x<k> (the
 * amount on arc k, in fen), rows s<i> (source i's money) and p<j> (project j's gap); the objective
 * is Σ gain × x with the integer gains (score in hundredths), so it is exact in the LP file.
 */
import type { TransportationProblem } from './network-simplex';

const TERMS_PER_LINE = 8;

function appendSum(lines: string[], head: string, terms: string[], tail: string): void {
  for (let t = 0; t < terms.length; t += TERMS_PER_LINE) {
    const chunk = terms.slice(t, t + TERMS_PER_LINE).join(' ');
    lines.push(t === 0 ? `${head} ${chunk.replace(/^\+ /, '')}` : ` ${chunk}`);
  }
  lines[lines.length - 1] += tail;
}

export function transportationToLp(problem: TransportationProblem): string {
  const { supplies, demands, arcFrom, arcTo, arcGain } = problem;
  const bySource: string[][] = Array.from({ length: supplies.length }, () => []);
  const byProject: string[][] = Array.from({ length: demands.length }, () => []);
  const objective: string[] = [];
  for (let k = 0; k < arcFrom.length; k++) {
    const g = arcGain[k];
    objective.push(`${g < 0 ? '-' : '+'} ${Math.abs(g)} x${k}`);
    bySource[arcFrom[k]].push(`+ x${k}`);
    byProject[arcTo[k]].push(`+ x${k}`);
  }
  const lines: string[] = ['Maximize'];
  if (arcFrom.length === 0) lines.push(' obj: 0');
  else appendSum(lines, ' obj:', objective, '');
  lines.push('Subject To');
  for (let i = 0; i < supplies.length; i++) {
    if (bySource[i].length > 0) appendSum(lines, ` s${i}:`, bySource[i], ` <= ${supplies[i]}`);
  }
  for (let j = 0; j < demands.length; j++) {
    if (byProject[j].length > 0) appendSum(lines, ` p${j}:`, byProject[j], ` <= ${demands[j]}`);
  }
  lines.push('End');
  return lines.join('\n') + '\n';
}
