/** Largest D of dense kernels (DEER, scale-ELK, dense scans): a thread holds two D×D matrices in private memory. */
export const maxDenseDim = 16;
