//! The byte map: every byte of a dump is structure a parser interpreted, a field's bytes,
//! a memory (or raw) region's bytes, or unclaimed.
//!
//! The inventory records what each parser consumed (claims); whatever no claim covers is
//! unclaimed: gaps between structures, slack inside a stream's declared size past what
//! its parser read, bytes after a string's first NUL, trailing data, unused or duplicate
//! directory entries. Every unclaimed run long enough to hold text is scanned as raw
//! bytes (a region named `unclaimed`), so nothing can hide where no parser looks.
//!
//! Claims may overlap (a field inside a raw stream); each byte counts once, in the most
//! specific class: field, then region, then structure.

use serde::Serialize;

/// What a byte of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Structure,
    Region,
    Field,
}

/// How the bytes of one file divide into the classes (each byte in exactly one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ByteMap {
    pub file_size: u64,
    pub structure: u64,
    pub field: u64,
    pub region: u64,
    pub unclaimed: u64,
    /// Unclaimed runs, and the bytes of those long enough to be scanned.
    pub unclaimed_runs: u64,
    pub unclaimed_scanned: u64,
}

impl ByteMap {
    /// Whether the classes add up to the file: every byte in exactly one.
    pub fn is_complete(&self) -> bool {
        self.structure + self.field + self.region + self.unclaimed == self.file_size
    }
}

/// Unclaimed runs shorter than this hold no text worth scanning (the memory scan's
/// shortest run); they are counted.
pub const MIN_SCANNED: u64 = 5;

/// Claimed ranges, as `(start, end, class)` in file offsets.
#[derive(Debug, Default)]
pub struct Claims(Vec<(u64, u64, Class)>);

impl Claims {
    pub fn add(&mut self, start: u64, len: u64, class: Class) {
        if len > 0 {
            self.0.push((start, start.saturating_add(len), class));
        }
    }

    /// The byte map of a file of `size` bytes, and its unclaimed runs `(start, len)`.
    pub fn finish(mut self, size: u64) -> (ByteMap, Vec<(u64, u64)>) {
        let mut map = ByteMap {
            file_size: size,
            ..ByteMap::default()
        };
        // Sweep over the boundaries; at each step the bytes up to the next boundary take
        // the best class among the claims open there. A boundary is one number, its
        // offset then whether it closes then the class, so that sorting them is a sort of
        // integers (half the instructions of sorting tuples). Offsets are within
        // the file, far below 2^61.
        let key = |at: u64, open: bool, c: Class| at << 3 | u64::from(!open) << 2 | c as u64;
        let mut points: Vec<u64> = Vec::with_capacity(self.0.len() * 2);
        let size = size.min(u64::MAX >> 3);
        for &(s, e, c) in &self.0 {
            let (s, e) = (s.min(size), e.min(size));
            if s < e {
                points.push(key(s, true, c));
                points.push(key(e, false, c));
            }
        }
        self.0.clear();
        points.sort_unstable();
        let mut open = [0u32; 3];
        let mut at = 0u64;
        let mut unclaimed = Vec::new();
        let mut account = |from: u64, to: u64, open: &[u32; 3], map: &mut ByteMap| {
            if from >= to {
                return;
            }
            let n = to - from;
            if open[Class::Field as usize] > 0 {
                map.field += n;
            } else if open[Class::Region as usize] > 0 {
                map.region += n;
            } else if open[Class::Structure as usize] > 0 {
                map.structure += n;
            } else {
                map.unclaimed += n;
                match unclaimed.last_mut() {
                    Some((s, l)) if *s + *l == from => *l += n,
                    _ => unclaimed.push((from, n)),
                }
            }
        };
        for point in points {
            let (p, is_open, c) = (point >> 3, point & 4 == 0, (point & 3) as usize);
            account(at, p, &open, &mut map);
            at = p;
            let slot = &mut open[c];
            if is_open {
                *slot += 1;
            } else {
                *slot = slot.saturating_sub(1);
            }
        }
        account(at, size, &open, &mut map);
        map.unclaimed_runs = unclaimed.len() as u64;
        unclaimed.retain(|&(_, l)| l >= MIN_SCANNED);
        map.unclaimed_scanned = unclaimed.iter().map(|&(_, l)| l).sum();
        (map, unclaimed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_in_one_class() {
        let mut c = Claims::default();
        c.add(0, 32, Class::Structure);
        c.add(40, 20, Class::Region);
        c.add(45, 5, Class::Field); // inside the region: counted as field
        c.add(100, 8, Class::Structure);
        c.add(104, 2, Class::Field);
        let (map, runs) = c.finish(120);
        assert!(map.is_complete(), "{map:?}");
        assert_eq!((map.structure, map.region, map.field), (32 + 6, 15, 5 + 2));
        assert_eq!(runs, vec![(32, 8), (60, 40), (108, 12)]);
        assert_eq!(map.unclaimed, 60);
        assert_eq!(map.unclaimed_runs, 3);
    }

    #[test]
    fn claims_past_the_end_are_cut() {
        let mut c = Claims::default();
        c.add(10, u64::MAX, Class::Region);
        let (map, runs) = c.finish(50);
        assert!(map.is_complete());
        assert_eq!(map.region, 40);
        assert_eq!(runs, vec![(0, 10)]);
    }
}
