/**
 * The views' longest animation at reading pace (the chain's slides and fades). Its own
 * module: views/motion.ts paces by it on the first screen, while animate.ts, which
 * plays it, comes with the panes' chunk.
 */
export const TRANSITION_MS = 300;
