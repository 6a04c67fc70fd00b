// Forms take prices in major units (250.00); the API takes integer minor units (25000).

/** The integer amount in minor units of a price typed in major units: 250 -> 25000, 19.99 -> 1999. */
export function toMinorUnits(major: number, minorDigits: number): number {
  return Math.round(major * 10 ** minorDigits)
}

/** A price in major units for a form, from integer minor units: 25000 -> 250. */
export function toMajorUnits(minor: number, minorDigits: number): number {
  return minor / 10 ** minorDigits
}

/** True when a major-unit amount needs no more decimals than the currency has (19.99 for INR, not 19.999). */
export function fitsMinorUnits(major: number, minorDigits: number): boolean {
  const scaled = major * 10 ** minorDigits
  return Math.abs(scaled - Math.round(scaled)) < 1e-6
}
