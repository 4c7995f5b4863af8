//! What the crate's tests share: a fixed-seed generator for generated cases.

/// A fixed-seed generator (SplitMix64): the same cases on every run.
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }

    /// Up to `max` characters of `alphabet`, each drawn with a weight of its own this time
    /// (so some texts are nearly all `{`, some have no `|`, ...).
    pub fn text(&mut self, alphabet: &[char], max: usize) -> String {
        let weights: Vec<usize> = alphabet.iter().map(|_| self.below(4)).collect();
        let length = self.below(max + 1);
        (0..length).map(|_| self.pick(alphabet, &weights)).collect()
    }

    fn pick(&mut self, alphabet: &[char], weights: &[usize]) -> char {
        let mut at = self.below(weights.iter().sum::<usize>().max(1));
        for (&c, &weight) in alphabet.iter().zip(weights) {
            if at < weight {
                return c;
            }
            at -= weight;
        }
        alphabet[alphabet.len() - 1]
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}
