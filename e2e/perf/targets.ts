/** Issue #18's targets, each printed next to its figure (the UI benches' shared output). */
export function printTargets(rows: [what: string, figure: number, target: string, met: boolean][]) {
  for (const [what, figure, target, met] of rows)
    console.log(`${met ? 'met    ' : 'NOT met'}  ${what}: ${figure.toFixed(1)} (target ${target})`);
}
