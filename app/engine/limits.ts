/**
 * Hard limits keep a hostile or mistaken scenario from exhausting the worker. Plain
 * data (no schema library), so the main thread can check against them too;
 * scenario.ts builds its schema with them.
 */
export const LIMITS = {
  maxSptesPerOp: 1 << 25,
  maxTotalSptes: 1 << 25,
  maxGfn: 2 ** 40 - 1,
  maxRandomGfns: 2 ** 31 - 1,
  maxWorkloadOps: 10_000,
  maxModuleOps: 64,
  maxFaults: 16,
  maxEdits: 200,
  maxIdLength: 200,
  /** A scenario file (or stdin) in bytes: larger than any real scenario by far. */
  maxScenarioBytes: 256 * 1024,
  /**
   * An ftrace capture's size: far above a real capture of a load (a trace-cmd recording of
   * everything below kvm_x86_vendor_init() and kvm_init() at depth 6 is about 1.5 MB, read
   * and checked in about 0.5 s), low enough that reading one cannot exhaust a browser tab.
   */
  maxCaptureBytes: 32 * 1024 * 1024,
} as const;
