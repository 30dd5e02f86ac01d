/** Thousands separators as in en-US. One shared formatter: toLocaleString() builds one per call. */
const COUNT = new Intl.NumberFormat('en-US');

export const formatCount = (n: number): string => COUNT.format(n);
