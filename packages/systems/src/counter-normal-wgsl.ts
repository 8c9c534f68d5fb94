/**
 * `counter_normal(t, i)` = `counterNormal(seed, t, i)` (counter-normal.ts) in WGSL, for a
 * fixed seed:
 *
 *     a = mix(mix(seed ⊕ 0x9e3779b9, t), 2i),  b = mix(mix(seed ⊕ 0x85ebca6b, t), 2i + 1)
 *     u = (a + 1)/(2³² + 1) ∈ (0, 1],  v = b/2³²,  ξ = √(−2 log u) cos(2πv).
 *
 * The hashes are exact (u32 products wrap mod 2³², as `Math.imul` does), so the uniforms
 * are the CPU's. Built-in `log`/`cos` on some GPUs only promise an absolute 2⁻²¹ / 2⁻¹¹, so
 * `−log u` and `cos 2πv` are written to f32 accuracy from + − × ÷: `−log u` is the built-in
 * `−log u` where u ≤ ½ (then |log u| ≥ log 2 and an absolute error is a small relative one)
 * and `−log1p(−(1 − u))` with `1 − u = (2³² − a)/(2³² + 1)` computed exactly in u32
 * otherwise, since √ magnifies the relative error of a small −log u. `cos 2πv = −cos 2π(v − ½)`,
 * where `v − ½` is `b` with its top bit flipped read as i32 (exact), reduced to [0, π/4]
 * and evaluated by Taylor polynomials (truncation error < 1e-9). ξ agrees with the CPU to
 * about 1e-6 relative on any GPU. Every helper is prefixed `cn_`.
 */
export function counterNormalWgsl(seed: number): string {
  return /* wgsl */ `
const CN_SEED: u32 = ${seed >>> 0}u;
const CN_INV: f32 = 1.0 / 4294967297.0; // 1/(2³² + 1)

// A 32-bit avalanche mix of (h, k): murmur3's finaliser over a combined word.
fn cn_mix(h: u32, k: u32) -> u32 {
  var x = (h * 0x9e3779b1u) ^ (k * 0x85ebca77u);
  x ^= x >> 16u;
  x *= 0x85ebca6bu;
  x ^= x >> 13u;
  x *= 0xc2b2ae35u;
  x ^= x >> 16u;
  return x;
}

// log(1 + x) for x in [−1/2, 0] as 2 artanh(z), z = x/(2 + x) ∈ [−1/3, 0]: the series
// 2(z + z³/3 + … + z¹⁷/17) truncates below 1e-9 relative.
fn cn_log1p(x: f32) -> f32 {
  let z = x / (2.0 + x);
  let z2 = z * z;
  var p = 1.0 / 17.0;
  p = p * z2 + 1.0 / 15.0;
  p = p * z2 + 1.0 / 13.0;
  p = p * z2 + 1.0 / 11.0;
  p = p * z2 + 1.0 / 9.0;
  p = p * z2 + 1.0 / 7.0;
  p = p * z2 + 1.0 / 5.0;
  p = p * z2 + 1.0 / 3.0;
  p = p * z2 + 1.0;
  return 2.0 * z * p;
}

// cos θ and sin θ for θ ∈ [0, π/4] by Taylor polynomials to θ¹⁰ and θ¹¹.
fn cn_cos_poly(x: f32) -> f32 {
  let x2 = x * x;
  var p = -1.0 / 3628800.0;
  p = p * x2 + 1.0 / 40320.0;
  p = p * x2 - 1.0 / 720.0;
  p = p * x2 + 1.0 / 24.0;
  p = p * x2 - 0.5;
  return p * x2 + 1.0;
}

fn cn_sin_poly(x: f32) -> f32 {
  let x2 = x * x;
  var p = -1.0 / 39916800.0;
  p = p * x2 + 1.0 / 362880.0;
  p = p * x2 - 1.0 / 5040.0;
  p = p * x2 + 1.0 / 120.0;
  p = p * x2 - 1.0 / 6.0;
  return x + x * x2 * p;
}

// cos 2πc for c ∈ [−1/2, 1/2]: even in c; cos 2π(1/2 − r) = −cos 2πr; cos 2πr = sin 2π(1/4 − r).
// The subtractions are exact (Sterbenz).
fn cn_cos2pi(c: f32) -> f32 {
  var r = abs(c);
  var sign = 1.0;
  if (r > 0.25) {
    r = 0.5 - r;
    sign = -1.0;
  }
  if (r > 0.125) { return sign * cn_sin_poly(6.283185307179586 * (0.25 - r)); }
  return sign * cn_cos_poly(6.283185307179586 * r);
}

// ξ_t,i = counterNormal(seed, t, i)
fn counter_normal(t: u32, i: u32) -> f32 {
  let a = cn_mix(cn_mix(CN_SEED ^ 0x9e3779b9u, t), 2u * i);
  let b = cn_mix(cn_mix(CN_SEED ^ 0x85ebca6bu, t), 2u * i + 1u);
  var e: f32; // −log u
  if (a < 0x80000000u) {
    e = -log(f32(a + 1u) * CN_INV);
  } else {
    e = -cn_log1p(-f32(0u - a) * CN_INV);
  }
  let c = f32(bitcast<i32>(b ^ 0x80000000u)) * (1.0 / 4294967296.0); // v − 1/2
  return -sqrt(2.0 * e) * cn_cos2pi(c);
}
`;
}
