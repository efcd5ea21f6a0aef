//! The mix of operations a bench client draws from: their weights (`--mix`) and the
//! draw itself, from a small generator seeded per client so runs are repeatable.

use serde::Serialize;

/// Relative weights of the four operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Mix {
    pub receive: u32,
    pub contact: u32,
    pub outcome: u32,
    pub read: u32,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            receive: 1,
            contact: 1,
            outcome: 1,
            read: 2,
        }
    }
}

/// `receive=1,contact=2,…`; names not given keep their defaults, at least one weight > 0.
pub fn parse_mix(s: &str) -> Result<Mix, String> {
    let mut mix = Mix::default();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, weight) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not like receive=1"))?;
        let weight: u32 = weight
            .trim()
            .parse()
            .map_err(|_| format!("{part:?}: the weight must be a whole number"))?;
        match name.trim() {
            "receive" => mix.receive = weight,
            "contact" => mix.contact = weight,
            "outcome" => mix.outcome = weight,
            "read" => mix.read = weight,
            other => {
                return Err(format!(
                    "unknown operation {other:?}: use receive, contact, outcome or read"
                ))
            }
        }
    }
    if mix.receive + mix.contact + mix.outcome + mix.read == 0 {
        return Err("at least one weight must be above 0".into());
    }
    Ok(mix)
}

/// One step of a client, as drawn from the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Receive,
    Contact,
    Outcome,
    Read,
}

/// A small xorshift generator: the mix only needs to be varied, not unpredictable.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

pub fn pick(mix: &Mix, rng: &mut Rng) -> Op {
    let total = u64::from(mix.receive + mix.contact + mix.outcome + mix.read);
    let mut r = rng.below(total);
    for (w, op) in [
        (mix.receive, Op::Receive),
        (mix.contact, Op::Contact),
        (mix.outcome, Op::Outcome),
        (mix.read, Op::Read),
    ] {
        let w = u64::from(w);
        if r < w {
            return op;
        }
        r -= w;
    }
    Op::Read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_parses_with_defaults() {
        assert_eq!(parse_mix(""), Ok(Mix::default()));
        let m = parse_mix("read=0, receive=3").expect("parses");
        assert_eq!((m.receive, m.contact, m.outcome, m.read), (3, 1, 1, 0));
        assert!(parse_mix("write=1").is_err());
        assert!(parse_mix("read").is_err());
        assert!(parse_mix("read=-1").is_err());
        assert!(parse_mix("receive=0,contact=0,outcome=0,read=0").is_err());
    }

    #[test]
    fn picks_follow_the_weights() {
        let mix = parse_mix("receive=1,contact=0,outcome=0,read=3").expect("parses");
        let mut rng = Rng::new(1);
        let picks: Vec<Op> = (0..4000).map(|_| pick(&mix, &mut rng)).collect();
        let reads = picks.iter().filter(|&&o| o == Op::Read).count();
        assert!(!picks.contains(&Op::Contact) && !picks.contains(&Op::Outcome));
        assert!((2800..3200).contains(&reads), "{reads}");
    }
}
