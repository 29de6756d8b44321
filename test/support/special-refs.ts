/** Plain-JS references for special-function tests, independent of the library's own code. */

/** log Γ(z), z > 0: the recurrence up to 15, then Stirling's series. */
export function refLgamma(z: number): number {
  let shift = 0;
  while (z < 15) {
    shift -= Math.log(z);
    z += 1;
  }
  const z2 = 1 / (z * z);
  const series = (1 / 12 - z2 * (1 / 360 - z2 * (1 / 1260 - z2 / 1680))) / z;
  return shift + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series;
}
