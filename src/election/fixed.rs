//! Fixed-point numbers with 18 decimal places, for the count.
//!
//! A value is an integer number of units of 10^-18, held in a `u128`: a
//! weight of 10^15 (the most a BLT file may total) is 10^33 units, well
//! inside the 3.4 × 10^38 a `u128` holds. Products that could pass that
//! (a keep factor times a quota) go through a 256-bit intermediate, so no
//! operation overflows or loses more than the one unit each rounding step
//! states.

use std::fmt;

/// Decimal places kept.
pub const PLACES: u32 = 18;
/// 1.0, in units.
pub const ONE: u128 = 1_000_000_000_000_000_000;

/// A non-negative fixed-point number: units of 10^-18.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fixed(pub u128);

impl Fixed {
    pub const ZERO: Fixed = Fixed(0);

    pub fn from_int(n: u64) -> Fixed {
        Fixed(u128::from(n) * ONE)
    }

    /// Exact decimal text: the integer part and all 18 places, with
    /// trailing zeros of the fraction dropped (`12.5`, `7`, `0.333333333333333333`).
    pub fn exact(self) -> String {
        let int = self.0 / ONE;
        let frac = self.0 % ONE;
        if frac == 0 {
            return int.to_string();
        }
        let digits = format!("{frac:018}");
        format!("{int}.{}", digits.trim_end_matches('0'))
    }

    /// Truncated to `places` decimal places, always printed with them.
    pub fn truncated(self, places: u32) -> String {
        let places = places.min(PLACES);
        let int = self.0 / ONE;
        if places == 0 {
            return int.to_string();
        }
        let frac = (self.0 % ONE) / 10u128.pow(PLACES - places);
        format!("{int}.{frac:0width$}", width = places as usize)
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.exact())
    }
}

/// `a × b` as a 256-bit number `(high, low)`.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
    let low = (p00 & MASK) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

/// `⌈a × b / d⌉`, or `None` when it does not fit in a `u128` (or `d` is 0).
pub fn mul_div_ceil(a: u128, b: u128, d: u128) -> Option<u128> {
    if d == 0 {
        return None;
    }
    let (high, low) = mul_wide(a, b);
    if high >= d {
        return None;
    }
    // Restoring long division of the 256-bit product by `d`; the remainder
    // stays below `d`, so one carry bit is all it can lose on a shift.
    let mut rem = high;
    let mut quotient = 0u128;
    for i in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((low >> i) & 1);
        quotient <<= 1;
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            quotient |= 1;
        }
    }
    if rem == 0 { Some(quotient) } else { quotient.checked_add(1) }
}

/// `⌈r × k⌉` in units, for `r`, `k` at most [`ONE`]: a ballot's remaining
/// weight times a keep factor, rounded up as the reference rule says.
#[inline]
pub fn mul_unit_ceil(r: u64, k: u64) -> u64 {
    let product = u128::from(r) * u128::from(k);
    // Both at most 10^18, so the quotient is at most 10^18 < 2^64.
    product.div_ceil(ONE) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_division_matches_narrow_division() {
        for &(a, b, d) in &[(7u128, 9u128, 4u128), (ONE, ONE, ONE), (3, ONE, 7), (u64::MAX as u128, 12345, 999)] {
            assert_eq!(mul_div_ceil(a, b, d), Some((a * b).div_ceil(d)));
        }
        let big = 10u128.pow(33);
        assert_eq!(mul_div_ceil(ONE, big, ONE), Some(big));
        assert_eq!(mul_div_ceil(ONE / 3, big, big), Some(ONE / 3));
        assert_eq!(mul_div_ceil(u128::MAX, u128::MAX, 1), None);
    }

    #[test]
    fn text() {
        assert_eq!(Fixed(ONE * 12 + ONE / 2).exact(), "12.5");
        assert_eq!(Fixed(ONE * 7).exact(), "7");
        assert_eq!(Fixed(ONE / 3).exact(), "0.333333333333333333");
        assert_eq!(Fixed(ONE * 2 + ONE / 3).truncated(6), "2.333333");
    }
}
